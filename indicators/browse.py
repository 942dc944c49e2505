"""Plain-data views of frameworks for browsing and search (used by the framework browser)."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.schema import Framework, Indicator, Text


@dataclass(frozen=True)
class Match:
    """An indicator that matches a search, with where it sits."""

    framework_id: str
    framework_title: Text
    dimension_name: Text
    indicator: Indicator


def indicator_texts(indicator: Indicator) -> list[Text]:
    """Every text of an indicator that a search should look at."""
    texts = [indicator.name, indicator.question, indicator.evidence]
    texts += list((indicator.descriptors or {}).values())
    texts += [option.label for option in indicator.options or ()]
    if indicator.group:
        texts.append(indicator.group)
    return texts


def matches(indicator: Indicator, query: str) -> bool:
    """True when every word of ``query`` occurs (case-insensitive) in the indicator's id,
    source or any of its texts, in either language."""
    haystack = " ".join(
        [indicator.id, indicator.source, *(f"{t.zh} {t.en}" for t in indicator_texts(indicator))]
    ).casefold()
    return all(word in haystack for word in query.casefold().split())


def search(frameworks: dict[str, Framework], query: str) -> list[Match]:
    """Indicators of all ``frameworks`` that match ``query``, in catalogue order."""
    if not query.strip():
        return []
    return [
        Match(fid, fw.title, dimension.name, indicator)
        for fid, fw in frameworks.items()
        for dimension in fw.dimensions
        for indicator in dimension.indicators
        if matches(indicator, query)
    ]
