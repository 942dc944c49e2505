"""Batch scoring of tables: read a data set or an answers file, check every row, score every
assessment against the framework versions it names, and return one wide row per assessment
with every framework's result, the composite index and, for data sets, peer percentiles.

Used by ``ronghe score``; errors are ``TableError`` naming the file, row and column.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from assessment import columns as c
from assessment import validation
from assessment.composite import composite_index
from assessment.identity import size_classes
from assessment.peers import (
    DEFAULT_K,
    PEER_COUNT,
    PEER_GROUP,
    PERCENTILE,
    SIZE_CLASS,
    peer_percentile,
)
from assessment.scoring import AnswerError, overall_frame, parse_answers, score
from assessment.tabular import (
    TableError,
    file_row,
    find_table,
    read_table,
    require_columns,
)
from indicators.crosswalk import load_crosswalk
from indicators.errors import UnknownFrameworkError
from indicators.loader import CATALOGUE_ORDER, framework_files, load_framework
from indicators.schema import Framework, Indicator

if TYPE_CHECKING:
    from assessment.encoded import EncodedChunk

FRAMEWORK_VERSION: Final = "framework_version"
# the composite's output column: 融合指数 / Ronghe Index, the platform's own measure (crosswalk
# 2026.2 names it), not MIIT's 两化融合发展指数
RONGHE_INDEX: Final = "ronghe_index"
RONGHE_INDEX_PERCENTILE: Final = "ronghe_index_percentile"
FRAMEWORK_VERSION_GIVEN: Final = "_version_given"  # the version the answers file itself names
ANSWER_COLUMNS: Final = (c.ASSESSMENT_ID, c.FRAMEWORK_ID, c.INDICATOR_ID, c.ANSWER)
_ROW: Final = "_row"  # position of the answer in its file


def read_input(path: Path) -> tuple[pd.DataFrame, Path, pd.DataFrame | None]:
    """The answers, the file they came from and, for a data set, assessment context.

    The context has one row per assessment_id with the assessments table's columns (``uscc``,
    ``year``, ``frameworks`` …) and ``path`` (the enterprise's production type) when known. A
    data set's tables are checked against each other first (``assessment.validation``, the
    same checks ``ronghe load`` makes).
    """
    if not path.exists():
        raise TableError(path, "输入不存在", "input does not exist")
    if not path.is_dir():
        return _answers_table(path), path, None
    source = find_table(path, "answers")
    answers = _answers_table(source)
    assessments, assessments_path = _optional_table(path, "assessments")
    if assessments is None:
        return answers, source, None
    require_columns(assessments, (c.ASSESSMENT_ID,), assessments_path)
    enterprises, enterprises_path = _optional_table(path, "enterprises")
    sources = validation.Sources(enterprises_path, assessments_path, source)
    firms, checked = validation.check_tables(enterprises, assessments, answers, sources)
    return answers, source, dataset_context(checked, assessments_path, firms)


def _optional_table(directory: Path, stem: str) -> tuple[pd.DataFrame | None, Path]:
    try:
        found = find_table(directory, stem)
    except TableError:
        return None, directory / stem
    return read_table(found), found


def _answers_table(path: Path) -> pd.DataFrame:
    """The answers file, stripped, with each row's file position in ``_row``."""
    table = read_table(path)
    require_columns(table, ANSWER_COLUMNS, path)
    if table.empty:
        raise TableError(path, "没有任何答案（只有表头）", "holds no answers (only a header)")
    table[_ROW] = np.arange(len(table))
    return prepared_answers(table, path)


def prepared_answers(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Answers (text, each row's file position in ``_row``) stripped, with no blank ids."""
    for column in ANSWER_COLUMNS:
        table[column] = table[column].str.strip()
    for column in ANSWER_COLUMNS[:3]:
        _no_blanks(table, column, path)
    return table


def _no_blanks(table: pd.DataFrame, column: str, path: Path) -> None:
    """TableError at the first empty cell of ``column``."""
    blank = np.flatnonzero((table[column] == "").to_numpy())
    if blank.size:
        row = file_row(path, int(table[_ROW].iloc[int(blank[0])]))
        raise TableError(path, "不能为空", "must not be empty", row=row, column=column)


def dataset_context(
    assessments: pd.DataFrame,
    assessments_path: Path,
    enterprises: pd.DataFrame | None,
) -> pd.DataFrame:
    """Per-assessment context (see :func:`read_input`) from checked assessments and, when
    given, checked enterprises (:mod:`assessment.validation`)."""
    context = assessments.drop_duplicates(c.ASSESSMENT_ID)
    context = context.assign(**{_ROW: np.arange(len(assessments))[context.index]})
    context = context.set_index(c.ASSESSMENT_ID)
    context.attrs["source"] = assessments_path
    if enterprises is None or c.USCC not in context.columns:
        return context
    firms = enterprises.drop_duplicates(c.USCC).set_index(c.USCC)
    if c.PRODUCTION_TYPE in firms.columns:
        context[c.PATH] = context[c.USCC].map(firms[c.PRODUCTION_TYPE])
    if {c.INDUSTRY_CODE, c.REGION_CODE, c.EMPLOYEES, c.REVENUE_WAN} <= set(firms.columns):
        sizes = size_classes(firms[c.EMPLOYEES], firms[c.REVENUE_WAN]).astype(object)
        for column in (c.INDUSTRY_CODE, c.REGION_CODE):
            context[column] = context[c.USCC].map(firms[column])
        context[SIZE_CLASS] = context[c.USCC].map(sizes)
    return context


def listed_versions(context: pd.DataFrame) -> pd.DataFrame:
    """The ``frameworks`` column ("sme@2024.1|cmmm@2020.1") as long rows: assessment_id,
    framework_id, framework_version; TableError names a malformed entry's row."""
    source = Path(context.attrs.get("source", "assessments"))
    items = context[c.FRAMEWORKS].astype(str).str.split("|").explode().str.strip()
    items = items[items != ""]
    parts = items.str.partition("@")
    bad = (parts[1] == "") | (parts[2] == "") | (parts[0] == "")
    if bad.any():
        position = _context_position(context, bad[bad].index[0])
        item = items[bad].iloc[0]
        raise TableError(
            source,
            f"“{item}”应写成 框架@版本",
            f"'{item}' should read framework@version",
            row=file_row(source, position),
            column=c.FRAMEWORKS,
        )
    return pd.DataFrame(
        {
            c.ASSESSMENT_ID: items.index,
            c.FRAMEWORK_ID: parts[0].to_numpy(),
            FRAMEWORK_VERSION: parts[2].str.strip().to_numpy(),
        }
    ).drop_duplicates([c.ASSESSMENT_ID, c.FRAMEWORK_ID])


def _context_position(context: pd.DataFrame, assessment_id: object) -> int:
    """The 0-based record of ``assessment_id`` in the assessments file (also when ``context``
    holds only some of its assessments, as in a chunk of a streamed run)."""
    if _ROW in context.columns:
        return int(context[_ROW].to_dict()[assessment_id])
    return int(context.index.get_indexer(pd.Index([assessment_id]))[0])


def score_answers(
    answers: pd.DataFrame,
    source: Path,
    *,
    context: pd.DataFrame | None = None,
    k: int = DEFAULT_K,
    frameworks: list[str] | None = None,
    peers: bool = True,
) -> pd.DataFrame:
    """One row per assessment: every framework's score, score_100 and level, the Ronghe Index
    (``ronghe_index``, the level-aware composite of the newest crosswalk) and its stage.

    Args:
        answers: text table with assessment_id, framework_id, indicator_id, answer and
            optionally path and framework_version; ``_row`` holds each row's file position.
        source: the file the answers came from (for error messages).
        context: per-assessment uscc, year, path, industry, region and size class from a
            data set; with year, industry, region and size the composite's peer percentile
            (within the year, widening until ``k`` peers) is added.
        k: the smallest peer group shown.
        frameworks: the framework ids whose columns the table has (default: those answered);
            a streamed run passes every framework of the file so that all chunks agree.
        peers: add the peer percentile columns (a streamed run adds them once, at the end,
            with :func:`peer_columns` over every assessment).
    """
    answers = _with_versions(answers, source, context)
    overall = []
    for framework, group, paths in _checked_groups(answers, source, context):
        try:
            result = score(
                group[list(ANSWER_COLUMNS[:1] + ANSWER_COLUMNS[2:])], framework, paths=paths
            )
        except AnswerError as exc:  # the checks above should have caught it; map it anyway
            raise _row_error(exc, group, source) from exc
        overall.append(result.overall.assign(**{c.FRAMEWORK_ID: framework.id}))
    wide = _wide(pd.concat(overall, ignore_index=True), answers, context, frameworks)
    return _with_peers(wide, context, k) if peers else wide.reset_index()


def wide_results(
    encoded: list[EncodedChunk], context: pd.DataFrame | None, frameworks: list[str]
) -> pd.DataFrame:
    """:func:`score_answers` (without peers) for chunks checked and scored by
    :func:`assessment.encoded.encode_chunk`, in their order."""
    overall = [
        overall_frame(group.matrix, chunk.scores(group)).assign(
            **{c.FRAMEWORK_ID: group.framework.id}
        )
        for chunk in encoded
        for group in chunk.groups
    ]
    answers = pd.DataFrame({c.ASSESSMENT_ID: np.concatenate([chunk.ids for chunk in encoded])})
    return _wide(pd.concat(overall, ignore_index=True), answers, context, frameworks).reset_index()


def _checked_groups(
    answers: pd.DataFrame, source: Path, context: pd.DataFrame | None
) -> Iterator[tuple[Framework, pd.DataFrame, pd.Series | None]]:
    """Per framework version: the framework, its answers (every row checked) and the paths."""
    for (framework_id, version), group in answers.groupby(
        [c.FRAMEWORK_ID, FRAMEWORK_VERSION], sort=False
    ):
        framework = _framework(str(framework_id), str(version), group, source, context)
        _check_rows(group, framework, source)
        yield framework, group, _paths(group, framework, source, context)


def check_answers(answers: pd.DataFrame, source: Path, context: pd.DataFrame | None) -> None:
    """Every answer checked as ``score_answers`` checks it (unknown frameworks, versions and
    indicators, repeated and invalid answers), without scoring: what ``ronghe load`` stores
    is what ``ronghe score`` accepts."""
    table = answers[list(ANSWER_COLUMNS)].astype(str).apply(lambda column: column.str.strip())
    if FRAMEWORK_VERSION in answers.columns:
        table[FRAMEWORK_VERSION] = answers[FRAMEWORK_VERSION].astype(str)
    table[_ROW] = np.arange(len(table))
    for _ in _checked_groups(_with_versions(table, source, context), source, context):
        pass


def _with_versions(
    answers: pd.DataFrame, source: Path, context: pd.DataFrame | None
) -> pd.DataFrame:
    """Each row's framework version: its own column, else the assessment's, else the newest."""
    out = answers.copy()
    given = (
        out[FRAMEWORK_VERSION].str.strip()
        if FRAMEWORK_VERSION in out.columns
        else pd.Series("", index=out.index)
    )
    out[FRAMEWORK_VERSION_GIVEN] = given
    if context is not None and c.FRAMEWORKS in context.columns:
        listed = (
            out[[c.ASSESSMENT_ID, c.FRAMEWORK_ID]]
            .merge(listed_versions(context), how="left", on=[c.ASSESSMENT_ID, c.FRAMEWORK_ID])[
                FRAMEWORK_VERSION
            ]
            .fillna("")
        )
        given = given.where(given != "", pd.Series(listed.to_numpy(), index=out.index))
    unknown = ~out[c.FRAMEWORK_ID].isin(known_framework_ids())
    if unknown.any():
        position = int(np.flatnonzero(unknown.to_numpy())[0])
        name = out[c.FRAMEWORK_ID].iloc[position]
        raise TableError(
            source,
            f"未知的评估框架“{name}”",
            f"unknown framework '{name}'",
            row=file_row(source, int(out[_ROW].iloc[position])),
            column=c.FRAMEWORK_ID,
        )
    newest = {f: load_framework(f).version for f in out[c.FRAMEWORK_ID].unique()}
    out[FRAMEWORK_VERSION] = given.where(given != "", out[c.FRAMEWORK_ID].map(newest))
    return out


@functools.cache
def known_framework_ids() -> frozenset[str]:
    """Ids of the released frameworks (folder names; no file is parsed)."""
    return frozenset(p.parent.name for p in framework_files())


def _framework(
    framework_id: str, version: str, group: pd.DataFrame, source: Path, context: pd.DataFrame | None
) -> Framework:
    """The framework version a group of answers was given against; TableError names where the
    unknown version was written (the answers' framework_version or the assessments' frameworks)."""
    try:
        newest = load_framework(framework_id)  # parse a file once: the newest is the usual case
        return newest if newest.version == version else load_framework(framework_id, version)
    except UnknownFrameworkError as exc:
        message = (
            f"框架“{framework_id}”没有版本“{version}”",
            f"framework '{framework_id}' has no version '{version}' ({exc})",
        )
        first = group.iloc[0]
        own = str(first[FRAMEWORK_VERSION_GIVEN]) != ""
        if own or context is None:
            row, column, where = int(first[_ROW]), FRAMEWORK_VERSION, source
        else:
            where = Path(context.attrs.get("source", source))
            row = _context_position(context, first[c.ASSESSMENT_ID])
            column = c.FRAMEWORKS
        raise TableError(where, *message, row=file_row(where, row), column=column) from exc


def _check_rows(group: pd.DataFrame, framework: Framework, source: Path) -> None:
    """Unknown indicators, repeated answers and invalid answers, named by file row."""
    indicators = {i.id: i for i in framework.indicators}
    unknown = ~group[c.INDICATOR_ID].isin(indicators)
    _fail_first(
        unknown,
        group,
        source,
        c.INDICATOR_ID,
        lambda v: (
            f"“{v}”不是框架 {framework.id} 的指标",
            f"'{v}' is not an indicator of framework {framework.id}",
        ),
    )
    repeated = group.duplicated([c.ASSESSMENT_ID, c.INDICATOR_ID])
    _fail_first(
        repeated,
        group,
        source,
        c.INDICATOR_ID,
        lambda v: (
            f"同一评估重复回答了指标“{v}”",
            f"indicator '{v}' is answered more than once for the same assessment",
        ),
    )
    reasons = _invalid_pairs(group, indicators, framework.max_answer_level)
    keys = pd.MultiIndex.from_frame(group[[c.INDICATOR_ID, c.ANSWER]])
    bad = pd.Series(keys.isin(reasons.index), index=group.index)
    if bad.any():
        first = group[bad].iloc[0]
        indicator_id, reason = (
            first[c.INDICATOR_ID],
            reasons[(first[c.INDICATOR_ID], first[c.ANSWER])],
        )
        _fail_first(
            bad,
            group,
            source,
            c.ANSWER,
            lambda v: (
                f"指标“{indicator_id}”不接受答案“{v}”（{reason}）",
                f"indicator '{indicator_id}' does not accept the answer '{v}' ({reason})",
            ),
        )


def _invalid_pairs(
    group: pd.DataFrame, indicators: dict[str, Indicator], max_level: int
) -> pd.Series:
    """(indicator_id, answer) → reason, for every distinct pair the indicator rejects."""
    pairs = group[[c.INDICATOR_ID, c.ANSWER]].drop_duplicates()
    found: dict[tuple[str, str], str] = {}
    for indicator_id, texts in pairs.groupby(c.INDICATOR_ID, sort=False)[c.ANSWER]:
        distinct = [str(t) for t in texts]
        parsed = parse_answers(indicators[str(indicator_id)], distinct, max_level)
        found.update(
            {
                (str(indicator_id), text): p[3]
                for text, p in zip(distinct, parsed, strict=True)
                if p[3]
            }
        )
    index = (
        pd.MultiIndex.from_tuples(list(found), names=[c.INDICATOR_ID, c.ANSWER])
        if found
        else pd.MultiIndex.from_arrays([[], []], names=[c.INDICATOR_ID, c.ANSWER])
    )
    return pd.Series(list(found.values()), index=index, dtype=object)


def _fail_first(
    mask: pd.Series, rows: pd.DataFrame, source: Path, column: str, message: Any
) -> None:
    """Raise a TableError for the first row where ``mask`` holds."""
    if not mask.any():
        return
    position = int(np.flatnonzero(mask.to_numpy())[0])
    value = str(rows[column].iloc[position])
    message_zh, message_en = message(value)
    raise TableError(
        source,
        message_zh,
        message_en,
        row=file_row(source, int(rows[_ROW].iloc[position])),
        column=column,
    )


def _paths(
    group: pd.DataFrame, framework: Framework, source: Path, context: pd.DataFrame | None
) -> pd.Series | None:
    """assessment_id → production path: the ``path`` column, else the enterprise's type."""
    if framework.paths is None:
        return None
    known = [p.id for p in framework.paths]
    paths = pd.Series(dtype=object)
    if context is not None and c.PATH in context.columns:
        paths = context[c.PATH].where(context[c.PATH].isin(known)).dropna()
    if c.PATH in group.columns:
        given = group[group[c.PATH].str.strip() != ""]
        _fail_first(
            ~given[c.PATH].str.strip().isin(known),
            given,
            source,
            c.PATH,
            lambda v: (
                f"框架 {framework.id} 没有生产路径“{v}”（可选：{'、'.join(known)}）",
                f"framework {framework.id} has no path '{v}' (known: {', '.join(known)})",
            ),
        )
        own = given.drop_duplicates(c.ASSESSMENT_ID).set_index(c.ASSESSMENT_ID)[c.PATH]
        paths = own.str.strip().combine_first(paths)
    return paths


_NAMED = re.compile(r"assessment '([^']*)', indicator '([^']*)'")


def _row_error(exc: AnswerError, group: pd.DataFrame, source: Path) -> TableError:
    """The engine's AnswerError, pointed at the first file row it names."""
    found = _NAMED.search(str(exc))
    row = None
    if found:
        hit = group[
            (group[c.ASSESSMENT_ID] == found.group(1)) & (group[c.INDICATOR_ID] == found.group(2))
        ]
        row = file_row(source, int(hit[_ROW].iloc[0])) if len(hit) else None
    return TableError(
        source,
        f"评分引擎拒绝了答案：{exc}",
        f"the scoring engine rejected an answer: {exc}",
        row=row,
        column=c.ANSWER if row is not None else None,
    )


def framework_columns(framework_id: str) -> tuple[str, str, str]:
    """A framework's columns in the wide results: score, score_100 and level."""
    return (
        f"{framework_id}_{c.SCORE}",
        f"{framework_id}_{c.SCORE_100}",
        f"{framework_id}_{c.LEVEL}",
    )


def framework_order(ids: Iterable[str]) -> list[str]:
    """Framework ids in catalogue order (the order of the result columns)."""
    order = {f: i for i, f in enumerate(CATALOGUE_ORDER)}
    return sorted(set(ids), key=lambda f: (order.get(f, 99), f))


def _wide(
    overall: pd.DataFrame,
    answers: pd.DataFrame,
    context: pd.DataFrame | None,
    frameworks: list[str] | None,
) -> pd.DataFrame:
    """Long results → one row per assessment (indexed by id) with per-framework columns and
    the composite."""
    frameworks = framework_order(frameworks or overall[c.FRAMEWORK_ID].unique())
    scored = set(overall[c.FRAMEWORK_ID].unique())
    ids = pd.Index(answers[c.ASSESSMENT_ID].unique(), name=c.ASSESSMENT_ID)
    wide = pd.DataFrame(index=ids)
    if context is not None:
        for column in (c.USCC, c.YEAR):
            if column in context.columns:
                wide[column] = context[column].reindex(ids)
    indexed = overall.set_index([c.FRAMEWORK_ID, c.ASSESSMENT_ID])
    empty = pd.DataFrame(columns=[c.SCORE, c.SCORE_100, c.LEVEL], dtype="float64")
    for framework_id in frameworks:
        rows = (indexed.loc[framework_id] if framework_id in scored else empty).reindex(ids)
        score, score_100, level = framework_columns(framework_id)
        wide[score] = rows[c.SCORE].round(4)
        wide[score_100] = rows[c.SCORE_100].round(2)
        wide[level] = rows[c.LEVEL].astype("Int64")
    composite = (
        composite_index(overall[[c.ASSESSMENT_ID, c.FRAMEWORK_ID, c.LEVEL, c.SCORE_100]])
        .set_index(c.ASSESSMENT_ID)
        .reindex(ids)
    )
    stages = load_crosswalk().stages
    wide[RONGHE_INDEX] = composite[c.COMPOSITE].round(2)
    wide[c.STAGE] = composite[c.STAGE].astype("Int64")
    for lang in ("zh", "en"):
        names = {s.value: s.name.get(lang) for s in stages}
        wide[f"stage_name_{lang}"] = wide[c.STAGE].map(names)
    wide["frameworks"] = composite["frameworks"].fillna(0).astype("int64")
    return wide


_PEER_NEEDED: Final = frozenset({c.YEAR, c.INDUSTRY_CODE, c.REGION_CODE, SIZE_CLASS})


def has_peers(context: pd.DataFrame | None) -> bool:
    """Whether the context knows enough (year, industry, region, size) for peer percentiles."""
    return context is not None and set(context.columns) >= _PEER_NEEDED


def peer_columns(index: pd.Series, context: pd.DataFrame, k: int) -> pd.DataFrame:
    """The Ronghe Index's peer percentile, group and count per assessment (within its year),
    for ``index``: the Ronghe Index by assessment id, in output order."""
    peers_input = (
        context.reindex(index.index)[sorted(_PEER_NEEDED)]
        .assign(**{c.COMPOSITE: index})
        .reset_index()
    )
    peers = peer_percentile(peers_input, k=k, score=c.COMPOSITE, within=[c.YEAR])
    return pd.DataFrame(
        {
            RONGHE_INDEX_PERCENTILE: peers[PERCENTILE].round(1).to_numpy(),
            PEER_GROUP: peers[PEER_GROUP].to_numpy(),
            PEER_COUNT: peers[PEER_COUNT].to_numpy(),
        }
    )


def _with_peers(wide: pd.DataFrame, context: pd.DataFrame | None, k: int) -> pd.DataFrame:
    """Add the Ronghe Index's peer percentile per year when the enterprises are known."""
    if context is None or not has_peers(context):
        return wide.reset_index()
    peers = peer_columns(wide[RONGHE_INDEX], context, k)
    out = wide.reset_index()
    for column in peers.columns:
        out[column] = peers[column].to_numpy()
    return out
