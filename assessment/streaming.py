"""Streamed batch scoring (``ronghe score``): the answers file is read in record batches and
scored in chunks of whole assessments, so memory is bounded by the chunk size, not the input.

How a run goes (docs/file-formats.md, "Large inputs"):

1. the assessments and enterprises tables (one row per assessment / enterprise, small next to
   the answers) are read and checked whole, as before;
2. chunk ``n`` holds the assessments ``n·size … (n+1)·size − 1`` in order of first appearance,
   with all their rows, in file order. A grouped file (every ``ronghe demo`` output, any file
   sorted by assessment) is read once and cut as it is read (:func:`one_pass`); at the first
   assessment whose rows resume after another's that pass stops (:class:`Ungrouped`), a first
   pass (:func:`survey`) numbers the assessments and the rows are spilled to one temporary
   Parquet file per chunk, then read back chunk by chunk (:func:`chunks`);
3. each chunk is checked and encoded in one pass over its codes (``assessment.encoded``), or,
   when that finds a problem, checked row by row as a whole file is (``assessment.batch``),
   which names the row; chunks are read on a second thread while one is scored;
4. results are staged as they come and copied at the end to a temporary file beside the output,
   renamed to the output only when every chunk succeeded: a refused run leaves no output;
5. peer percentiles compare every assessment of a year, so they are added at the end from the
   Ronghe Index of every assessment (one number per assessment, kept in memory).

The output is the same, row for row and bit for bit, whatever the chunk size.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
import queue
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from assessment import columns as c
from assessment import validation
from assessment.batch import (
    _ROW,
    ANSWER_COLUMNS,
    RONGHE_INDEX,
    dataset_context,
    framework_columns,
    has_peers,
    known_framework_ids,
    peer_columns,
    prepared_answers,
    score_answers,
    wide_results,
)
from assessment.encoded import EncodedChunk, Known, encode_chunk
from assessment.limits import Limits, get_limits
from assessment.peers import DEFAULT_K
from assessment.tabular import (
    TableError,
    _as_text,
    _check_size,
    _over_limit,
    find_table,
    inert_cells,
    not_utf8,
    read_table,
    require_columns,
    table_format,
    write_table,
)

DEFAULT_CHUNK: Final = 2_000  # assessments per chunk: about 530,000 answer rows, every framework
BATCH_ROWS: Final = 262_144  # rows per record batch read
CSV_BLOCK: Final = 16 << 20  # bytes per block of the CSV reader

Progress = Callable[[int, int], None]  # (assessments scored, assessments in all)


# ----------------------------------------------------------------------------- reading


def _header(path: Path) -> list[str]:
    """The column names of a table file, stripped, without reading its records."""
    kind = table_format(path)
    try:
        if kind == "parquet":
            return [str(n).strip() for n in pq.ParquetFile(path).schema_arrow.names]
        if kind == "csv":
            with path.open(encoding="utf-8-sig", newline="") as handle:
                names = next(csv.reader(handle), None)
            if not names:
                raise TableError(
                    path, "无法读取：文件中没有列", "cannot read: No columns to parse from file"
                )
            return [n.strip() for n in names]
    except UnicodeDecodeError as exc:
        raise not_utf8(path, exc) from exc
    except TableError:
        raise
    except Exception as exc:  # a broken file can fail anywhere inside the parser
        raise _unreadable(path, exc) from exc
    return list(read_table(path).columns)


def _unreadable(path: Path, exc: Exception) -> TableError:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    if "CSV parse error: Expected" in reason:
        ragged = _ragged_row(path)
        if ragged is not None:
            row, fields, columns = ragged
            return TableError(
                path,
                f"无法读取：有 {fields} 个字段，而表头有 {columns} 列",
                f"cannot read: {fields} fields where the header has {columns} columns",
                row=row,
            )
    if "invalid UTF8" in reason or "UTF-8" in reason:
        return TableError(path, "不是 UTF-8 编码的文本", "not UTF-8 text")
    return TableError(path, f"无法读取：{reason}", f"cannot read: {reason}")


def _ragged_row(path: Path) -> tuple[int, int, int] | None:
    """The first record whose field count differs from the header's: (row as a spreadsheet
    shows it, fields, columns); read again only when the fast reader refused the file."""
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as handle:
        records = csv.reader(handle)
        header = next(records, [])
        for number, record in enumerate(records, start=2):
            if len(record) != len(header):
                return number, len(record), len(header)
    return None


def _check_streamed(path: Path, limits: Limits) -> None:
    """Limits of a streamed file: its size on disk and, for Parquet, the decoded size of each
    row group (what is held at once); its rows are counted by :func:`survey`."""
    if not path.is_file():
        raise TableError(path, "文件不存在", "no such file")
    _check_size(path, path.stat().st_size, limits.max_file_bytes, "max_file_bytes")
    if table_format(path) != "parquet":
        return
    try:
        metadata = pq.ParquetFile(path).metadata
    except Exception as exc:
        raise _unreadable(path, exc) from exc
    for i in range(metadata.num_row_groups):
        decoded = metadata.row_group(i).total_byte_size
        if decoded > limits.max_expanded_bytes:
            _over_limit(
                path,
                f"的一个行组解码后为 {decoded} 字节（限制 {limits.max_expanded_bytes}）",
                f"a row group of {decoded} bytes once decoded (limit {limits.max_expanded_bytes})",
                "max_expanded_bytes",
            )


def record_batches(
    path: Path, names: list[str], columns: list[str] | None = None
) -> Iterator[pa.Table]:
    """The answers file as Arrow tables of text columns (NA as ""), at most about
    ``BATCH_ROWS`` rows each (``columns`` only, when given); XLSX files (at most a sheet's
    million rows) are read whole."""
    kind = table_format(path)
    wanted = columns or names
    try:
        if kind == "parquet":
            schema = pq.ParquetFile(path).schema_arrow
            # text read as Arrow dictionaries: the file's own dictionary pages give each
            # column's codes without decoding every string and hashing it again
            text = [f.name for f in schema if _is_text(f.type)]
            source = pq.ParquetFile(path, read_dictionary=text)
            original = {n.strip(): n for n in schema.names}
            read = [original[n] for n in wanted]
            for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=read):
                yield _text_table(pa.Table.from_batches([batch]), wanted)
        elif kind == "csv":
            reader = pa_csv.open_csv(
                path,
                read_options=pa_csv.ReadOptions(
                    column_names=names, skip_rows=1, block_size=CSV_BLOCK
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()),
                    include_columns=wanted,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            for batch in reader:
                yield pa.Table.from_batches([batch])
        else:
            yield _text_table(pa.Table.from_pandas(read_table(path)[wanted]), wanted)
    except TableError:
        raise
    except Exception as exc:  # a broken file can fail anywhere inside the parser
        raise _unreadable(path, exc) from exc


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _text_table(table: pa.Table, names: list[str]) -> pa.Table:
    """The columns as text named ``names``: text stays in Arrow, as plain or dictionary
    arrays (NA as ""), other types are written as ``read_table`` writes them (whole floats
    without ".0")."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type) and _is_text(column.type.value_type):
            columns.append(column if not column.null_count else pc.fill_null(decoded(column), ""))
        elif _is_text(column.type):
            columns.append(pc.fill_null(column, "") if column.null_count else column)
        else:
            text = _as_text(pd.DataFrame({"v": column.to_pandas()}))["v"]
            columns.append(pa.chunked_array([pa.array(text.to_numpy(dtype=object), pa.string())]))
    return pa.Table.from_arrays(columns, names=names)


def decoded(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """A text column as plain strings (a dictionary column decoded)."""
    if pa.types.is_dictionary(column.type):
        return pc.cast(column, column.type.value_type)
    return column


def _solid(tables: list[pa.Table]) -> pa.Table:
    """The tables as one, each column one array (dictionary columns on one dictionary)."""
    table = pa.concat_tables(tables)
    if any(pa.types.is_dictionary(f.type) for f in table.schema):
        table = table.unify_dictionaries()
    return table.combine_chunks()


def answer_table(frame: pd.DataFrame) -> pa.Table:
    """Answers held in memory as the one chunk a streamed read would give (text columns,
    each row's position in ``_row``)."""
    table = _text_table(pa.Table.from_pandas(frame, preserve_index=False), list(frame.columns))
    return table.append_column(_ROW, pa.array(np.arange(len(frame), dtype=np.int64)))


def as_frame(table: pa.Table) -> pd.DataFrame:
    """A chunk as the pandas text frame the row-by-row checks take (``_row`` kept)."""
    columns = [decoded(column) for column in table.columns]
    frame: pd.DataFrame = pa.Table.from_arrays(columns, names=table.column_names).to_pandas()
    return frame


def _runs(ids: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal (raw) ids starts, and its id stripped."""
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.unify_dictionaries() if pa.types.is_dictionary(ids.type) else ids
        ids = ids.combine_chunks()
    values = ids.indices if isinstance(ids, pa.DictionaryArray) else ids
    changed = pc.not_equal(values[1:], values[:-1]).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.r_[True, changed])
    names = pc.utf8_trim_whitespace(decoded(ids.take(starts))).to_numpy(zero_copy_only=False)
    return starts, names


@dataclass
class AnswerFile:
    """What the first pass learnt about an answers file."""

    path: Path
    names: list[str]
    ids: pd.Index  # distinct (stripped) assessment ids in order of first appearance
    frameworks: set[str]
    rows: int
    grouped: bool  # every assessment's rows are contiguous


class Ungrouped(Exception):
    """An assessment's rows resume after another assessment's: the file is not grouped."""


@dataclass
class _Tally:
    """What a pass over an answers file has seen so far."""

    path: Path
    limits: Limits
    seen: dict[str, int] = field(default_factory=dict)  # stripped id → place of first row
    frameworks: set[str] = field(default_factory=set)
    rows: int = 0
    grouped: bool = True
    last: str | None = None

    def add(self, table: pa.Table) -> np.ndarray:
        """Count a batch (limits checked); each row's assessment place."""
        self.rows += table.num_rows
        if self.rows > self.limits.max_rows:
            limit = self.limits.max_rows
            _over_limit(self.path, f"超过 {limit} 行", f"more than {limit} rows", "max_rows")
        self.frameworks.update(pc.unique(decoded(table[c.FRAMEWORK_ID])).to_pylist())
        starts, names = _runs(table[c.ASSESSMENT_ID])
        places = np.empty(len(names), dtype=np.int64)
        for k, name in enumerate(names.tolist()):
            place = self.seen.get(name)
            if place is None:
                place = self.seen[name] = len(self.seen)
            elif name != self.last:  # its rows resume after another assessment's
                self.grouped = False
            self.last = name
            places[k] = place
        return np.repeat(places, np.diff(np.r_[starts, table.num_rows]))

    def answer_file(self, names: list[str]) -> AnswerFile:
        if self.rows == 0:
            raise TableError(
                self.path, "没有任何答案（只有表头）", "holds no answers (only a header)"
            )
        frameworks = {name.strip() for name in self.frameworks} - {""}
        ids = pd.Index(list(self.seen), dtype=object)
        return AnswerFile(self.path, names, ids, frameworks, self.rows, self.grouped)


def _opened(path: Path, limits: Limits) -> list[str]:
    """The limits of a streamed file checked; its column names (the answer columns required)."""
    _check_streamed(path, limits)
    names = _header(path)
    require_columns(pd.DataFrame(columns=names), ANSWER_COLUMNS, path)
    return names


def survey(path: Path, limits: Limits | None = None) -> AnswerFile:
    """The first pass: assessments, frameworks, row count and whether the file is grouped."""
    limits = limits or get_limits()
    names = _opened(path, limits)
    tally = _Tally(path, limits)
    for table in record_batches(path, names, [c.ASSESSMENT_ID, c.FRAMEWORK_ID]):
        if table.num_rows:
            tally.add(table)
    return tally.answer_file(names)


def one_pass(path: Path, names: list[str], size: int, tally: _Tally) -> Iterator[pa.Table]:
    """The answers of a file assumed grouped by assessment (its columns ``names``, as
    :func:`_opened` gives them), in chunks of ``size`` whole assessments, read once (no survey
    first; ``tally`` learns the file as it goes). Raises :class:`Ungrouped` at the first
    assessment whose rows resume after another's."""

    def numbered() -> Iterator[tuple[pa.Table, np.ndarray]]:
        for table in _numbered(record_batches(path, names)):
            if table.num_rows:
                numbers = tally.add(table) // size
                if not tally.grouped:
                    raise Ungrouped(path)
                yield table, numbers

    yield from _cut(numbered())


def _numbered(tables: Iterator[pa.Table]) -> Iterator[pa.Table]:
    """Tables with each row's 0-based position in the file in ``_row``."""
    position = 0
    for table in tables:
        rows = np.arange(position, position + table.num_rows, dtype=np.int64)
        position += table.num_rows
        yield table.append_column(_ROW, pa.array(rows))


def _chunk_numbers(table: pa.Table, ids: pd.Index, size: int) -> np.ndarray:
    """Each row's chunk: its assessment's place in order of first appearance, // ``size``
    (looked up once per run of rows of one assessment)."""
    starts, names = _runs(table[c.ASSESSMENT_ID])
    places = ids.get_indexer(pd.Index(names))
    lengths = np.diff(np.r_[starts, table.num_rows])
    return np.repeat(places // size, lengths)


def _cut(numbered: Iterator[tuple[pa.Table, np.ndarray]]) -> Iterator[pa.Table]:
    """Chunks of a grouped file from its tables and each row's chunk number (ascending)."""
    pending: list[pa.Table] = []
    current = 0
    for table, numbers in numbered:
        cuts = np.flatnonzero(np.r_[False, numbers[1:] != numbers[:-1]])
        bounds = np.r_[0, cuts, table.num_rows]
        for start, stop in itertools.pairwise(bounds):
            number = int(numbers[start])
            if number != current and pending:
                yield _solid(pending)
                pending = []
            current = number
            pending.append(table.slice(int(start), int(stop - start)))
    if pending:
        yield _solid(pending)


def chunks(answers: AnswerFile, size: int, spill: Path) -> Iterator[pa.Table]:
    """The answers in chunks of ``size`` whole assessments, rows in file order, each column one
    Arrow array; an ungrouped file is spilled to ``spill`` (a folder) first."""
    tables = (t for t in _numbered(record_batches(answers.path, answers.names)) if t.num_rows)
    if answers.grouped:
        yield from _cut((t, _chunk_numbers(t, answers.ids, size)) for t in tables)
        return
    writers: dict[int, pq.ParquetWriter] = {}
    try:
        for table in tables:
            numbers = _chunk_numbers(table, answers.ids, size)
            order = np.argsort(numbers, kind="stable")
            present, starts = np.unique(numbers[order], return_index=True)
            for number, part in zip(present.tolist(), np.split(order, starts[1:]), strict=True):
                piece = table.take(part)
                if number not in writers:
                    writers[number] = pq.ParquetWriter(spill / f"{number}.parquet", piece.schema)
                writers[number].write_table(piece)
    finally:
        for writer in writers.values():
            writer.close()
    for number in sorted(writers):
        part_file = spill / f"{number}.parquet"
        table = pq.read_table(part_file).combine_chunks()
        part_file.unlink()
        yield table


T = TypeVar("T")
_END: Final = object()


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """``items``, each produced on a second thread while the caller works on the one before
    (Arrow reads, decodes and slices without the GIL, so the next chunk is read on the other
    core while this one is scored). Errors of the producer reach the caller in order."""
    slots: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(entry: tuple[object, BaseException | None]) -> bool:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                slots.put(entry, timeout=0.1)
                return True
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_END, None))
        except BaseException as exc:  # handed to the caller
            put((_END, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = slots.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


# ----------------------------------------------------------------------------- writing


@dataclass
class TableSink:
    """A table written in parts, as they come, to a temporary file beside ``path``;
    :meth:`commit` renames it to ``path``, :meth:`discard` removes it."""

    path: Path
    kind: str = ""
    temporary: Path = field(init=False)
    writer: Any = None
    kept: list[pd.DataFrame] = field(default_factory=list)  # XLSX: written at the end
    rows: int = 0

    def __post_init__(self) -> None:
        self.kind = self.kind or table_format(self.path)
        self.temporary = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self.error(exc) from exc

    def error(self, exc: OSError) -> TableError:
        """The refusal for a file that cannot be written."""
        reason = exc.strerror or type(exc).__name__
        return TableError(self.path, f"无法写入：{reason}", f"cannot write: {reason}")

    def write(self, frame: pd.DataFrame) -> None:
        try:
            if self.kind == "parquet":
                table = pa.Table.from_pandas(frame, preserve_index=False)
                if self.writer is None:
                    self.writer = pq.ParquetWriter(self.temporary, table.schema)
                self.writer.write_table(table.cast(self.writer.schema))
            elif self.kind == "csv":
                with self.temporary.open("a", encoding="utf-8", newline="") as handle:
                    inert_cells(frame).to_csv(handle, index=False, header=self.rows == 0)
            else:
                self.kept.append(frame)
        except OSError as exc:
            raise self.error(exc) from exc
        self.rows += len(frame)

    def commit(self) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
            if self.kind == "xlsx":
                write_table(
                    pd.concat(self.kept, ignore_index=True), self.temporary.with_suffix(".xlsx")
                )
                self.temporary.with_suffix(".xlsx").replace(self.temporary)
            os.replace(self.temporary, self.path)
        except OSError as exc:
            raise self.error(exc) from exc

    def discard(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.temporary.unlink(missing_ok=True)
        self.temporary.with_suffix(".xlsx").unlink(missing_ok=True)


# ----------------------------------------------------------------------------- scoring


@dataclass
class _Context:
    """A data set's checked per-assessment context and its raw assessments table."""

    table: pd.DataFrame | None = None
    source: Path = Path("assessments")
    known: Known = field(default_factory=Known)


def _read_context(directory: Path, answers_path: Path) -> _Context:
    """The data set's assessments (and enterprises) read and checked whole."""
    try:
        assessments_path = find_table(directory, "assessments")
    except TableError:
        return _Context()
    assessments = read_table(assessments_path)
    require_columns(assessments, (c.ASSESSMENT_ID,), assessments_path)
    enterprises, enterprises_path = None, directory / "enterprises"
    try:
        enterprises_path = find_table(directory, "enterprises")
        enterprises = read_table(enterprises_path)
    except TableError as exc:
        if exc.path != str(directory):
            raise
    sources = validation.Sources(enterprises_path, assessments_path, answers_path)
    firms, checked = validation.check_context_tables(enterprises, assessments, sources)
    context = dataset_context(checked, assessments_path, firms)
    return _Context(context, assessments_path, Known.of(context))


WRITE_BATCH: Final = 20_000  # assessments whose results are put together and written at once


def _checked_scores(
    table: pa.Table, path: Path, context: _Context, k: int, frameworks: list[str]
) -> pd.DataFrame:
    """One chunk's wide results by the row-by-row checks (which name the first bad row): the
    way taken when the one-pass checks of ``assessment.encoded`` find a problem."""
    rows = prepared_answers(as_frame(table), path)
    mine = None
    if context.table is not None:
        mine = validation.context_of(context.table, rows[c.ASSESSMENT_ID])
        listed = mine.reset_index()[[c.ASSESSMENT_ID, c.FRAMEWORKS]]
        try:
            validation.check_answer_references(rows, path, listed, context.source)
        except TableError as exc:
            raise validation.relocated(exc, rows, path) from exc
    return score_answers(rows, path, context=mine, k=k, frameworks=frameworks, peers=False)


@dataclass
class _Results:
    """Wide results staged as they come (with a column for every released framework): the
    columns of frameworks the file lacks are dropped, and the peer columns (which need every
    assessment's index) added, when they are copied to the output at the end."""

    staged: TableSink
    total: int  # assessments in all (0: not known yet, the file being read once)
    progress: Progress | None
    index: list[pd.Series] = field(default_factory=list)
    done: int = 0

    def write(self, wide: pd.DataFrame) -> None:
        self.index.append(wide.set_index(c.ASSESSMENT_ID)[RONGHE_INDEX])
        self.staged.write(wide)
        self.done += len(wide)
        if self.progress is not None:
            self.progress(self.done, self.total)


def _score_chunks(
    tables: Iterator[pa.Table], path: Path, context: _Context, k: int, out: _Results
) -> None:
    """Check, score and write every chunk. Chunks that pass the one-pass checks are put
    together up to :data:`WRITE_BATCH` assessments before their results are tabled (the
    table's fixed cost is paid once per batch, not per chunk)."""
    frameworks = sorted(known_framework_ids())
    pending: list[EncodedChunk] = []

    def flush() -> None:
        if pending:
            out.write(wide_results(pending, context.table, frameworks))
            pending.clear()

    for table in read_ahead(tables):
        encoded = encode_chunk(table, context.known)
        if encoded is None:
            flush()
            out.write(_checked_scores(table, path, context, k, frameworks))
            continue
        pending.append(encoded)
        if sum(len(e.ids) for e in pending) >= WRITE_BATCH:
            flush()
    flush()


def score_file(
    source: Path,
    out: Path,
    *,
    k: int = DEFAULT_K,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Progress | None = None,
) -> int:
    """Score ``source`` (a data-set folder or an answers file) into ``out`` chunk by chunk;
    the number of assessments scored. TableError (naming file, row, column) refuses the run,
    and then ``out`` is left as it was.

    A file grouped by assessment (every ``ronghe demo`` output) is read once; at the first
    assessment whose rows resume after another's, the results so far are dropped and the file
    is surveyed and spilled by chunk (:func:`chunks`)."""
    table_format(out)
    if not source.exists():
        raise TableError(source, "输入不存在", "input does not exist")
    path = find_table(source, "answers") if source.is_dir() else source
    limits = get_limits()
    names = _opened(path, limits)
    context = _read_context(source, path) if source.is_dir() else _Context()
    sink = TableSink(out)
    try:
        spill = Path(tempfile.mkdtemp(prefix=".ronghe-", dir=out.parent))
    except OSError as exc:
        raise sink.error(exc) from exc
    try:
        results = _Results(TableSink(spill / "staged.parquet"), 0, progress)
        tally = _Tally(path, limits)
        try:
            _score_chunks(one_pass(path, names, chunk_size, tally), path, context, k, results)
            answers = tally.answer_file(names)
        except Ungrouped:
            results.staged.discard()
            answers = survey(path, limits)
            results = _Results(TableSink(spill / "staged.parquet"), len(answers.ids), progress)
            _score_chunks(chunks(answers, chunk_size, spill), path, context, k, results)
        results.staged.commit()
        _finish(results, answers.frameworks, context.table, k, sink)
        sink.commit()
    except BaseException:
        sink.discard()
        raise
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return results.done


def _finish(
    results: _Results,
    frameworks: set[str],
    context: pd.DataFrame | None,
    k: int,
    sink: TableSink,
) -> None:
    """Copy the staged results into ``sink``: without the columns of frameworks the file does
    not answer, with the peer columns of every assessment when the enterprises are known."""
    absent = [name for f in known_framework_ids() - frameworks for name in framework_columns(f)]
    peers = None
    if context is not None and has_peers(context) and results.index:
        peers = peer_columns(pd.concat(results.index), context, k)
    start = 0
    source = pq.ParquetFile(results.staged.path)
    for group in range(source.num_row_groups):
        frame = source.read_row_group(group).to_pandas().drop(columns=absent)
        if peers is not None:
            part = peers.iloc[start : start + len(frame)]
            for column in part.columns:
                frame[column] = part[column].to_numpy()
        start += len(frame)
        sink.write(frame)
