"""Chinese text → search tokens with jieba, cut the same way for indexed documents and for queries.

The tantivy Python binding cannot run a Python tokenizer inside the engine, so the embedded index
stores text pre-cut: `index_text()` turns 压力容器焊接 into `压力 容器 压力容器 焊接`, and the
index splits that on whitespace. A query is cut by the same code (`query_tokens()`), so a word
matches exactly when jieba would have produced it from the document.

Choices (all made for ranking stability and ingest speed, see docs/matching.md):

- Documents: `cut_for_search` (the long word plus the dictionary words inside it); queries:
  precise mode (the long words only), so 数控 finds 数控车床 but 数控车床 does not match every
  document holding 数控. HMM off on both sides: the same phrase is always cut the same way, and
  unknown words fall apart into characters instead of into guesses that differ between the two.
- NFKC folding and lower-casing first, so ＰＬＣ, plc and PLC are one token.
- Text is split on punctuation and whitespace into phrases (skill names, award titles …) and each
  phrase's cut is cached: worker texts repeat the same few thousand phrases, which is what makes
  ≥ 20,000 documents a second possible with a pure-Python segmenter.
- The occupation names of the national classification are added to the dictionary, so trade
  names (数控车工, 焊工 …) come out whole as well as in pieces.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jieba

__all__ = ["ChineseCutter", "default_cutter", "index_text", "index_tokens", "query_tokens"]

# Phrase separators: ASCII and CJK punctuation plus any whitespace.
_PHRASE_BREAK = re.compile(r"[\s,.;:!?/\\|()\[\]{}<>\"'`~@#$%^&*+=，。、；：！？（）【】《》〈〉「」『』“”‘’·…—–_-]+")
# A token worth indexing holds at least one letter, digit or CJK ideograph.
_MEANINGFUL = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Function words that would match almost every document and only add noise to BM25.
STOPWORDS = frozenset({"的", "了", "和", "与", "及", "或", "在", "等", "是", "为", "对", "并", "且", "an", "and", "of", "the", "a"})
# Occupation names longer than this are descriptions rather than words people type.
_MAX_DICTIONARY_WORD = 10
PHRASE_CACHE_SIZE = 50_000


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


class ChineseCutter:
    """A jieba tokenizer of its own (the global one stays untouched) with a per-phrase cache."""

    def __init__(self, extra_words: Iterable[str] = (), *, with_occupations: bool = True) -> None:
        self._extra_words = tuple(extra_words)
        self._with_occupations = with_occupations
        self._jieba: jieba.Tokenizer | None = None
        self._init_lock = threading.Lock()
        self._cut_phrase = lru_cache(maxsize=PHRASE_CACHE_SIZE)(self._cut_phrase_uncached)
        self._phrase_text = lru_cache(maxsize=PHRASE_CACHE_SIZE)(self._phrase_text_uncached)

    def _tokenizer(self) -> jieba.Tokenizer:
        if self._jieba is None:
            with self._init_lock:
                if self._jieba is None:
                    # jieba logs the dictionary build at INFO on stderr; it is not our log.
                    logging.getLogger("jieba").setLevel(logging.WARNING)
                    jieba.setLogLevel(logging.WARNING)
                    tokenizer = jieba.Tokenizer()
                    tokenizer.initialize()
                    for word in self._dictionary_words():
                        tokenizer.add_word(word)
                    self._jieba = tokenizer
        return self._jieba

    def _dictionary_words(self) -> list[str]:
        words = list(self._extra_words)
        if self._with_occupations:
            from services.common import taxonomy

            for entry in taxonomy.occupations().values():
                name = _normalize(entry.name)
                if len(name) <= _MAX_DICTIONARY_WORD and not _PHRASE_BREAK.search(name):
                    words.append(name)
        return words

    def warm_up(self) -> None:
        """Load the dictionary now (about a second) rather than on the first document."""
        self._tokenizer()

    def _cut_phrase_uncached(self, phrase: str) -> tuple[str, ...]:
        return tuple(
            token
            for token in self._tokenizer().cut_for_search(phrase, HMM=False)
            if token not in STOPWORDS and _MEANINGFUL.search(token)
        )

    def _phrase_text_uncached(self, phrase: str) -> str:
        return " ".join(self._cut_phrase(phrase))

    def index_tokens(self, text: str) -> list[str]:
        """Every token of the text in order, repeats kept (they are the term frequency)."""
        tokens: list[str] = []
        for phrase in _PHRASE_BREAK.split(_normalize(text)):
            if phrase:
                tokens.extend(self._cut_phrase(phrase))
        return tokens

    def index_text(self, text: str) -> str:
        """The text as whitespace-separated tokens, ready for a whitespace tokenizer."""
        # The ingest hot path: one cached string per phrase, joined (no per-token Python work).
        return " ".join(filter(None, map(self._phrase_text, _PHRASE_BREAK.split(_normalize(text)))))

    def query_tokens(self, text: str) -> list[str]:
        """The distinct words of a query, in the order they first appear.

        A query is cut in jieba's precise mode (the longest words only, 数控车床 not 数控 + 车床 +
        数控车床), as IK pairs ik_max_word for documents with ik_smart for queries: every word
        it yields is also among the document's search-mode tokens, and the query does not match
        every document that merely shares a common sub-word."""
        tokenizer = self._tokenizer()
        words: dict[str, None] = {}
        for phrase in _PHRASE_BREAK.split(_normalize(text)):
            for word in tokenizer.cut(phrase, HMM=False) if phrase else ():
                if word not in STOPWORDS and _MEANINGFUL.search(word):
                    words[word] = None
        return list(words)


default_cutter = ChineseCutter()


def index_tokens(text: str) -> list[str]:
    return default_cutter.index_tokens(text)


def index_text(text: str) -> str:
    return default_cutter.index_text(text)


def query_tokens(text: str) -> list[str]:
    return default_cutter.query_tokens(text)
