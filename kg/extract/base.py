"""The plain data every extractor produces, and the interface they share."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Protocol

from kg.ingest import Article


@dataclass
class Mention:
    """A span of one sentence that names an entity.

    ``attrs`` carries what the extractor could read from the span itself
    (a union's level and place, a title, a policy's short name ...);
    resolution turns mentions into entities.
    """

    kind: str  # province | city | union | organization | official | person | policy | program
    surface: str
    sentence: int  # index into article.sentences
    start: int  # offsets into that sentence's text
    end: int
    attrs: dict = field(default_factory=dict)
    id: int = -1  # position in ArticleFindings.mentions, set when added


@dataclass
class Link:
    """A relation between two mentions, read from one sentence."""

    kind: str  # holds-post | issued-by | operated-by | active-in | alias-of
    source: int  # mention id
    target: int  # mention id
    sentence: int
    attrs: dict = field(default_factory=dict)


class Extractor(Protocol):
    kind: str
    after: tuple[str, ...]

    def extract(self, article: Article, found: "ArticleFindings") -> Iterable[Mention | Link]:
        ...


class ArticleFindings:
    """Mentions and links found so far in one article."""

    def __init__(self, article: Article):
        self.article = article
        self.mentions: list[Mention] = []
        self.links: list[Link] = []

    def add(self, item: Mention | Link) -> None:
        if isinstance(item, Mention):
            item.id = len(self.mentions)
            self.mentions.append(item)
        else:
            self.links.append(item)

    def of_kind(self, *kinds: str, sentence: int | None = None) -> list[Mention]:
        return [m for m in self.mentions
                if m.kind in kinds and (sentence is None or m.sentence == sentence)]

    def covered(self, sentence: int, start: int, end: int, *kinds: str) -> bool:
        """True when [start, end) overlaps a mention of one of ``kinds`` in that sentence."""
        return any(m.sentence == sentence and m.start < end and start < m.end
                   for m in self.of_kind(*kinds))
