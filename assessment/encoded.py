"""Check and encode a chunk of answers in one pass over codes (the fast path of a streamed
``ronghe score`` and ``ronghe load``).

The row-by-row checks of :mod:`assessment.batch` and :mod:`assessment.validation` strip,
factorise and group the same text columns several times, and the engine's ``encode`` does it
once more. Here each text column of an Arrow chunk is dictionary-encoded once and stripped
per distinct value; every check is then a look-up over small tables of distinct values
(texts, assessment × framework pairs, indicator × answer pairs) or a count over codes
(repeated answers), and the answer matrices are filled from the same codes.

This path only *detects* a problem: when any check fails it returns ``None`` and the caller
runs the row-by-row checks, which name the first bad row, column and reason exactly as
before. An input with a ``framework_version`` or ``path`` column in its answers always takes
the row-by-row path (rare in bulk files; the per-row version and path rules live there).
Output is the same bit for bit: the same framework versions, parsed answers and compiled
kernel, and the framework results in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from assessment import columns as c
from assessment import validation
from assessment.batch import (
    ANSWER_COLUMNS,
    FRAMEWORK_VERSION,
    known_framework_ids,
    listed_versions,
)
from assessment.scoring import (
    _INVALID,
    AnswerMatrix,
    MatrixScores,
    Parsed,
    empty_matrix,
    framework_index,
    parse_answers,
    parse_numbers,
    path_positions,
    score_matrix,
)
from indicators.errors import UnknownFrameworkError
from indicators.loader import load_framework
from indicators.schema import AnswerType, Framework

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Codes:
    """A text column as codes into its distinct stripped values (first-appearance order)."""

    codes: IntArray
    values: npt.NDArray[np.object_]

    @classmethod
    def of(cls, array: pa.Array | pa.ChunkedArray) -> Codes:
        if isinstance(array, pa.ChunkedArray):
            if pa.types.is_dictionary(array.type):
                array = array.unify_dictionaries()
            array = array.combine_chunks()
        if array.null_count:
            array = pc.fill_null(pc.cast(array, pa.string()), "")
        encoded = array if isinstance(array, pa.DictionaryArray) else pc.dictionary_encode(array)
        stripped = pc.utf8_trim_whitespace(encoded.dictionary).to_numpy(zero_copy_only=False)
        # " a" and "a" are one value once stripped: their codes are merged
        canonical, values = pd.factorize(stripped)
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        # a file's dictionary may hold values of other chunks: keep those used, in the order
        # of their first row
        codes, used = pd.factorize(canonical[indices])
        return cls(codes.astype(np.int64), np.asarray(values, dtype=object)[used])

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class Group:
    """The answers of one framework version in a chunk, one matrix row per assessment that
    answered it."""

    framework: Framework
    matrix: AnswerMatrix


@dataclass(frozen=True)
class EncodedChunk:
    """A checked chunk: its assessment ids (first-appearance order), each answer row's
    assessment (a position in ``ids``), the assessments' context rows (in ``ids`` order; None
    for a bare answers file) and its groups in the order the row-by-row path forms them (first
    appearance of each framework version)."""

    ids: npt.NDArray[np.object_]
    assessment: IntArray
    context: pd.DataFrame | None
    groups: list[Group]

    def matrices(self) -> dict[tuple[str, str], AnswerMatrix]:
        """The matrices by (framework id, version)."""
        return {(g.framework.id, g.framework.version): g.matrix for g in self.groups}

    def scores(self, group: Group, *, detail: bool = False) -> MatrixScores:
        """A group's scores, each assessment on its enterprise's production path."""
        framework, paths = group.framework, None
        context = self.context
        if framework.paths is not None and context is not None and c.PATH in context.columns:
            known = [p.id for p in framework.paths]
            paths = context[c.PATH].where(context[c.PATH].isin(known)).dropna()
        ids = group.matrix.assessment_ids
        return score_matrix(
            group.matrix, framework, path_positions(ids, framework, paths), detail=detail
        )


@dataclass(frozen=True)
class Known:
    """What every chunk of one data set is checked against: the checked per-assessment context
    (``batch.dataset_context``, indexed by assessment id; None for a bare answers file) and the
    framework versions each assessment lists, as codes (read once, not per chunk)."""

    context: pd.DataFrame | None = None
    listed: npt.NDArray[np.object_] | None = None  # distinct "framework@version"
    frameworks: pd.Index | None = None  # the listed framework ids
    code: IntArray | None = None  # (context row, framework) → place in ``listed``, −1: none
    parsed: ParsedAnswers = field(default_factory=lambda: ParsedAnswers())

    @classmethod
    def of(cls, context: pd.DataFrame | None) -> Known:
        if context is None or c.FRAMEWORKS not in context.columns:
            return cls(context)
        # the few distinct cells ("sme@2024.1|cmmm@2020.1") are read, not every row's
        cell, cells = pd.factorize(context[c.FRAMEWORKS].astype(str))
        distinct = pd.DataFrame(
            {c.FRAMEWORKS: np.asarray(cells, dtype=object)},
            index=pd.Index(np.arange(len(cells)), name=c.ASSESSMENT_ID),
        )
        listed = listed_versions(distinct)
        rows = listed[c.ASSESSMENT_ID].to_numpy(dtype=np.int64)
        framework, frameworks = pd.factorize(listed[c.FRAMEWORK_ID])
        key = listed[c.FRAMEWORK_ID] + "@" + listed[FRAMEWORK_VERSION]
        place, keys = pd.factorize(key)
        by_cell = np.full((len(cells), len(frameworks)), -1, dtype=np.int64)
        by_cell[rows, framework] = place
        code = by_cell[cell]
        return cls(context, np.asarray(keys, dtype=object), pd.Index(frameworks), code)


def encode_chunk(table: pa.Table, known: Known) -> EncodedChunk | None:
    """The chunk checked and encoded, or None when any check fails (or the answers carry
    their own version or path): then the row-by-row path names the error."""
    if FRAMEWORK_VERSION in table.column_names or c.PATH in table.column_names:
        return None
    a, f, i, t = (Codes.of(table[name]) for name in ANSWER_COLUMNS)
    if not _texts_pass(a, f, i, t):
        return None
    positions = None
    if known.context is not None:
        positions = known.context.index.get_indexer(pd.Index(a.values))
        if (positions < 0).any():  # an assessment the assessments table lacks
            return None
    versions = _versions(a, f, known, positions)
    if versions is None:
        return None
    group_of_row = versions.group[a.codes * len(f) + f.codes]
    groups: list[Group] = []
    for g, framework in enumerate(versions.frameworks):
        rows = np.flatnonzero(group_of_row == g)
        matrix = _matrix(framework, a, a.codes[rows], i, i.codes[rows], t, t.codes[rows], known)
        if matrix is None:
            return None
        groups.append(Group(framework, matrix))
    mine = None
    if known.context is not None and positions is not None:
        mine = known.context.iloc[positions]
        mine.attrs.update(known.context.attrs)
    return EncodedChunk(a.values, a.codes, mine, groups)


def _texts_pass(a: Codes, f: Codes, i: Codes, t: Codes) -> bool:
    """The text checks of ``validation.check_answer_references`` on the distinct values."""
    limit = validation.max_length
    return (
        validation.texts_pass(a.values, limit=limit("assessment", "external_id"))
        and validation.texts_pass(f.values, limit=limit("answer", c.FRAMEWORK_ID))
        and validation.texts_pass(i.values, limit=limit("answer", c.INDICATOR_ID))
        and validation.texts_pass(t.values, limit=limit("answer", c.ANSWER), required=False)
    )


@dataclass(frozen=True)
class _Versions:
    group: IntArray  # assessment code × framework code → group, −1 where nothing is answered
    frameworks: list[Framework]  # per group, in order of first appearance


def _versions(a: Codes, f: Codes, known: Known, positions: IntArray | None) -> _Versions | None:
    """Each answered (assessment, framework) pair's framework version, as
    ``batch._with_versions`` chooses it (the assessment's listed version, else the newest);
    None when a framework is unknown, not listed for its assessment or has no such version."""
    if not set(f.values) <= known_framework_ids():
        return None
    n_f = len(f)
    pair_of_row = a.codes * n_f + f.codes
    present = np.flatnonzero(np.bincount(pair_of_row, minlength=len(a) * n_f))
    assessment, framework = np.divmod(present, n_f)
    if known.code is not None and known.frameworks is not None and positions is not None:
        column = known.frameworks.get_indexer(pd.Index(f.values))[framework]
        if (column < 0).any():
            return None
        place = known.code[positions[assessment], column]
        if (place < 0).any():  # an answer to a framework its assessment does not list
            return None
        keys = known.listed[place] if known.listed is not None else place
    else:
        newest = [f"{name}@{load_framework(str(name)).version}" for name in f.values]
        keys = np.asarray(newest, dtype=object)[framework]
    number, distinct = pd.factorize(keys)
    group = np.full(len(a) * n_f, -1, dtype=np.int64)
    group[present] = number
    # the row-by-row path forms its groups in order of each one's first *row*
    order = pd.unique(group[pair_of_row])  # in order of appearance (hashing, no sort)
    frameworks = []
    for key in distinct[order]:
        framework_id, _, version = str(key).partition("@")
        try:
            frameworks.append(_framework(framework_id, version))
        except UnknownFrameworkError:
            return None
    renumber = np.empty(len(order), dtype=np.int64)
    renumber[order] = np.arange(len(order))
    group[present] = renumber[number]
    return _Versions(group, frameworks)


def _framework(framework_id: str, version: str) -> Framework:
    newest = load_framework(framework_id)
    return newest if newest.version == version else load_framework(framework_id, version)


def _matrix(
    framework: Framework,
    a: Codes,
    a_codes: IntArray,
    i: Codes,
    i_codes: IntArray,
    t: Codes,
    t_codes: IntArray,
    known: Known,
) -> AnswerMatrix | None:
    """One framework version's answers as a matrix (a row per assessment answering it); None
    for an unknown indicator, a repeated answer or an answer the indicator rejects."""
    index = framework_index(framework)
    n_ind = len(index.indicators)
    col = pd.Index(index.indicator_ids).get_indexer(pd.Index(i.values))[i_codes]
    if (col < 0).any():
        return None
    cell = a_codes * n_ind + col
    if (np.bincount(cell, minlength=len(a) * n_ind) > 1).any():
        return None
    parsed = _parsed(framework, col, t, t_codes, known.parsed)
    if parsed is None:
        return None
    score, level, status = parsed
    rows = np.flatnonzero(np.bincount(a_codes, minlength=len(a)) > 0)
    place = np.full(len(a), -1, dtype=np.int64)
    place[rows] = np.arange(len(rows))
    matrix = empty_matrix(a.values[rows], index)
    flat = col * len(rows) + place[a_codes]  # column-major cell of each answer
    for target, values in ((matrix.scores, score), (matrix.levels, level), (matrix.status, status)):
        target.ravel(order="F")[flat] = values
    return matrix


def _parsed(
    framework: Framework, col: IntArray, t: Codes, t_codes: IntArray, cache: ParsedAnswers
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8], npt.NDArray[np.int8]] | None:
    """Each row's parsed score, level and status (each distinct (indicator, answer) looked up
    in ``cache``); None when one is invalid."""
    n_t = max(len(t), 1)
    slot, keys = pd.factorize(col * n_t + t_codes)  # hashing: no sort, no table of n_ind × n_t
    order = np.argsort(keys, kind="stable")  # the few distinct pairs, by indicator
    pairs = keys[order]
    slot = np.argsort(order)[slot]
    parsed = cache.parse(framework, pairs // n_t, t.values[pairs % n_t])
    if (parsed[2] == _INVALID).any():
        return None
    return parsed[0][slot], parsed[1][slot], parsed[2][slot]


class ParsedAnswers:
    """Parsing of the distinct (indicator, answer) pairs of a chunk. Numbers (most distinct
    answers) are parsed as arrays; the few texts of level, choice and yes/no indicators recur in
    every chunk and are parsed once per run (at most :data:`MAX_TEXTS` kept per indicator)."""

    MAX_TEXTS: Final = 100_000

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str, int], dict[str, Parsed]] = {}

    def parse(
        self, framework: Framework, cols: IntArray, texts: npt.NDArray[np.object_]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8], npt.NDArray[np.int8]]:
        """Score, level and status of each pair (``cols`` sorted); invalid: ``_INVALID``."""
        index = framework_index(framework)
        score = np.empty(len(cols), dtype=np.float64)
        level = np.empty(len(cols), dtype=np.int8)
        status = np.empty(len(cols), dtype=np.int8)
        bounds = np.searchsorted(cols, np.arange(len(index.indicators) + 1))
        for j in np.flatnonzero(np.diff(bounds)):
            block = slice(bounds[j], bounds[j + 1])
            indicator = index.indicators[j]
            if indicator.answer in (AnswerType.NUMBER, AnswerType.PERCENT):
                score[block], level[block], status[block] = parse_numbers(indicator, texts[block])
                continue
            found = self._texts(framework, int(j), texts[block].tolist(), index.max_level)
            score[block], level[block], status[block] = (
                np.array(column) for column in list(zip(*found, strict=True))[:3]
            )
        return score, level, status

    def _texts(
        self, framework: Framework, j: int, texts: list[str], max_level: int
    ) -> list[Parsed]:
        seen = self.seen.setdefault((framework.id, framework.version, j), {})
        if len(seen) + len(texts) > self.MAX_TEXTS:  # free-form texts: start afresh
            seen.clear()
        new = [text for text in texts if text not in seen]
        if new:
            indicator = framework_index(framework).indicators[j]
            seen.update(zip(new, parse_answers(indicator, new, max_level), strict=True))
        return [seen[text] for text in texts]
