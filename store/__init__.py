"""The store: connections, versioned migrations, named queries from queries/*.sql, transactions."""
