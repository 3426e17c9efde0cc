"""The plain data every extractor produces, and the interface they share."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Protocol

from kg.ingest.pages import Article
from kg.knowledge import kinds


@dataclass
class Mention:
    """A span of one sentence that names an entity.

    ``attrs`` carries what the extractor could read from the span itself (a union's level and
    places, an organisation's canonical form, a policy's short name ...), as the dataclass
    ``kg/knowledge/kinds.py`` registers for the mention's kind (``PlaceAttrs``, ``UnionAttrs``, ...,
    each defined in the module that finds the kind); resolution turns mentions into entities.
    ``ArticleFindings.add`` refuses a mention whose attributes are of another class.
    """

    kind: str  # place | union | organization | enterprise | official | person | policy | program
    surface: str
    sentence: int  # index into article.sentences
    start: int  # offsets into that sentence's text
    end: int
    attrs: Any  # the attributes class of ``kind`` (kinds.EntityKind.attributes)
    id: int = -1  # position in ArticleFindings.mentions, set when added


@dataclass
class Link:
    """A relation between two mentions, read from one sentence. It holds the mentions
    themselves, so an extractor never reads an id before the mention is added. ``title``:
    the office of a ``holds-post`` link (主席, 党组书记); links of other kinds carry none."""

    kind: str  # holds-post | issued-by | operated-by | active-in | part-of
    source: Mention
    target: Mention
    sentence: int
    title: str | None = None


def implied(m: Mention) -> bool:
    """Whether a mention stands for a body that no text of the sentence names (the party's
    central committee of 总书记, the enterprise of 公司工会): the attributes classes of such
    mentions have an ``implied`` field, set by the extractor; it has no mention in the article."""
    return getattr(m.attrs, "implied", False)


@lru_cache(maxsize=None)
def attributes_class(mention_kind: str) -> type:
    """The class of a mention kind's attributes, as ``kg/knowledge/kinds.py`` names it (an
    unregistered kind raises ``UnknownKind`` naming it)."""
    kinds.mention_kind(mention_kind)
    return kinds.function(kinds.mention_attributes()[mention_kind])


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
        mentions added before it; a link to a mention not added raises ``ValueError``, a mention
        whose attributes are not of its kind's class ``TypeError``."""
        if isinstance(item, Mention):
            expected = attributes_class(item.kind)
            if type(item.attrs) is not expected:
                raise TypeError(f"a {item.kind} mention {item.surface!r} with attributes of class "
                                f"{type(item.attrs).__name__}, not {expected.__name__} (kg/knowledge/kinds.py)")
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
