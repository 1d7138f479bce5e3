"""Words about a household: the tags that mark it as vulnerable (困难群体).

A vulnerable household comes first among equals in the list of households due a visit, and its
tags are personal data (:mod:`auth.masking`).
"""

from __future__ import annotations

#: 低保 (minimum-living-allowance), 空巢老人 (elderly living alone), 留守儿童 (children left
#: behind), 残疾 (disabled), 特困 (extreme hardship)
VULNERABLE_TAGS: tuple[str, ...] = ("低保", "空巢老人", "留守儿童", "残疾", "特困")
