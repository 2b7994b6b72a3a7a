"""Is a segment a real sentence that says something, or a bare list of terms?"""

from __future__ import annotations

from rubrics.memo import WordMemo
from rubrics.text import Segment

VERB_HINTS = frozenset((
    "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has", "had",
    "will", "would", "can", "could", "should", "may", "might", "must", "shall", "use", "uses", "used",
    "run", "runs", "ran", "make", "makes", "made", "keep", "keeps", "kept", "set", "sets", "put", "puts",
    "check", "checks", "let", "lets", "get", "gets", "got", "go", "goes", "went", "take", "takes", "took",
    "need", "needs", "want", "wants", "give", "gives", "show", "shows", "tell", "tells", "add", "adds",
    "compare", "compares", "track", "tracks", "serve", "serves", "send", "sends", "call", "calls", "build",
    "builds", "deploy", "deploys", "ship", "ships", "roll", "rolls", "watch", "watches", "alert", "alerts",
    "retrain", "retrains", "trigger", "triggers", "fire", "fires", "log", "logs", "store", "stores",
    "split", "splits", "move", "moves", "mean", "means", "help", "helps", "decide", "decides", "found",
    "find", "finds", "cost", "costs", "drop", "drops", "rise", "rises", "fall", "falls", "catch", "catches",
    "wrap", "wraps", "expose", "exposes", "scale", "scales", "pick", "picks", "say", "says", "ask", "asks",
    "start", "starts", "stop", "stops", "stay", "stays", "look", "looks", "measure", "measures", "compute",
    "computes", "write", "writes", "read", "reads", "test", "tests", "score", "scores", "fit", "fits",
    "tune", "tunes", "pay", "pays", "save", "saves", "cut", "cuts", "led", "lead", "leads", "own", "owns",
    "agree", "agreed", "wrote", "chose", "choose", "chooses",
))
LIST_SEPARATORS = (",", ";", "|", "/")  # counted one by one in sentence_quality


def is_verbish(word: str) -> bool:
    if word in VERB_HINTS or word.endswith(("n't", "n’t")):
        return True
    return len(word) > 5 and word.endswith(("ed", "ing", "ise", "ize", "ises", "izes"))


_VERBISH: WordMemo[bool] = WordMemo(is_verbish, limit=100_000)


def sentence_quality(segment: Segment, words: list[str], concept_tokens: int) -> float:
    """1.0 for a sentence with enough words (and a verb when short); 0.35 for fragments and term lists.

    `concept_tokens` is how many of the segment's tokens are part of rubric concept matches:
    a "sentence" that is mostly terms glued together counts as a list.
    """
    n = segment.n_tokens
    words = words[segment.first_token:segment.last_token]  # the answer's words, sliced to the segment
    has_verb = any(map(_VERBISH.__getitem__, words))
    text = segment.text
    separators = text.count(",") + text.count(";") + text.count("|") + text.count("/") + words.count("and")
    listy = separators >= 3 and n / (separators + 1) <= 2.5
    dense = n >= 4 and concept_tokens / n > 0.6
    if n < 4 or listy or dense:
        return 0.35
    if n >= 8 or (has_verb and n >= 6):
        return 1.0
    return 0.8 if has_verb else 0.5
