"""What the pages share: connection, signed-in user, language, sidebar, figures, downloads, maps."""
