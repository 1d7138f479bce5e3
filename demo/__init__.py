"""Demo data: a generated grid-management world inside the real outline of 梁平区.

Only the county outline is real; townships, villages, grids, people and events are generated
(see :mod:`demo.generate`).
"""

from demo.generate import DemoWorld, generate, load_outline

__all__ = ["DemoWorld", "generate", "load_outline"]
