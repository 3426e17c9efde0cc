"""The plain data every extractor produces, and the interface they share."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Protocol

from kg.ingest.pages import Article


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
    """A relation between two mentions, read from one sentence. It holds the mentions
    themselves, so an extractor never reads an id before the mention is added."""

    kind: str  # holds-post | issued-by | operated-by | active-in | alias-of | part-of
    source: Mention
    target: Mention
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
        self._by_sentence: dict[int, list[Mention]] = {}

    def add(self, item: Mention | Link) -> None:
        """Add a mention (it gets its id, its position in ``mentions``) or a link between two
        mentions added before it; a link to a mention not added raises ``ValueError``."""
        if isinstance(item, Mention):
            item.id = len(self.mentions)
            self.mentions.append(item)
            self._by_sentence.setdefault(item.sentence, []).append(item)
        else:
            for end in (item.source, item.target):
                if not (0 <= end.id < len(self.mentions) and self.mentions[end.id] is end):
                    raise ValueError(f"a {item.kind} link to the {end.kind} mention {end.surface!r}, "
                                     f"which was not added before the link")
            self.links.append(item)

    def of_kind(self, *kinds: str, sentence: int | None = None) -> list[Mention]:
        """The mentions of ``kinds`` (of one sentence), in the order they were found."""
        pool = self.mentions if sentence is None else self._by_sentence.get(sentence, ())
        return [m for m in pool if m.kind in kinds]

    def covered(self, sentence: int, start: int, end: int, *kinds: str) -> bool:
        """True when [start, end) overlaps a mention of one of ``kinds`` in that sentence."""
        return any(m.start < end and start < m.end for m in self.of_kind(*kinds, sentence=sentence))
