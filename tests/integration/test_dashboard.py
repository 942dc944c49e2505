"""Regional dashboard: hand-computed aggregates on a small world, the summary table against a
recomputation from scratch, k-suppression in every chart and download, and the jurisdiction
property over random regions."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from assessment import reference
from assessment.analytics import dashboard as dash
from assessment.analytics.export import chart_table, inert, to_csv, to_xlsx
from assessment.analytics.summary import rebuild_summary, refresh_summary, summary_frame
from assessment.models import (
    Assessment,
    CertifiedResult,
    CompositeResult,
    Enterprise,
    FrameworkResult,
    Role,
    Status,
    User,
)
from assessment.repo.assessments import (
    create_assessment,
    review_assessment,
    save_answers,
    submit_assessment,
)
from assessment.repo.errors import AccessDenied, ValidationFailed
from indicators.loader import load_all
from tests.integration.factories import dcmm_answers, make_admin, make_enterprise, make_user

FRAMEWORKS = load_all()
KUNSHAN, ZHANGJIAGANG, SUZHOU, JIANGSU = "320583", "320582", "320500", "320000"
HANGZHOU_COUNTY = "330106"


@dataclass
class World:
    admin: User
    firms: dict[str, list[Enterprise]]


def _result(
    session: Session,
    admin: User,
    firm: Enterprise,
    year: int,
    composite: float,
    dcmm_level: int,
    status: Status = Status.SUBMITTED,
) -> Assessment:
    """An assessment with stored results set by hand (values chosen for the test)."""
    assessment = create_assessment(
        session, actor=admin, enterprise_id=firm.id or 0, year=year, frameworks=["dcmm"]
    )
    assessment.status = status.value
    session.add(assessment)
    session.add(
        CompositeResult(
            assessment_id=assessment.id or 0, composite=composite, stage=1, frameworks=1
        )
    )
    session.add(
        FrameworkResult(
            assessment_id=assessment.id or 0,
            framework_id="dcmm",
            framework_version="2018.1",
            level=dcmm_level,
            score=float(dcmm_level),
            scale_max=5.0,
            score_100=20.0 * dcmm_level,
            complete=True,
        )
    )
    session.commit()
    return assessment


@pytest.fixture
def world(session: Session) -> World:
    admin = make_admin(session)
    firms: dict[str, list[Enterprise]] = {
        KUNSHAN: [make_enterprise(session, admin, KUNSHAN) for _ in range(6)],
        ZHANGJIAGANG: [
            make_enterprise(session, admin, ZHANGJIAGANG, industry_code="C39") for _ in range(3)
        ],
        HANGZHOU_COUNTY: [make_enterprise(session, admin, HANGZHOU_COUNTY) for _ in range(5)],
    }
    for firm, value, level in zip(
        firms[KUNSHAN], (10, 20, 30, 40, 50, 60), (1, 1, 2, 2, 3, 3), strict=True
    ):
        _result(session, admin, firm, 2025, value, level)
    for firm in firms[KUNSHAN][:5]:
        _result(session, admin, firm, 2024, 5, 1, Status.VERIFIED)
    for firm, value in zip(firms[ZHANGJIAGANG], (70, 80, 90), strict=True):
        _result(session, admin, firm, 2025, value, 3)
    for firm in firms[HANGZHOU_COUNTY]:
        _result(session, admin, firm, 2025, 99, 5)
    today = date.today()
    for firm in firms[KUNSHAN][:5]:
        session.add(CertifiedResult(enterprise_id=firm.id or 0, kind="dcmm_certificate"))
    session.add(
        CertifiedResult(
            enterprise_id=firms[KUNSHAN][5].id or 0,
            kind="dcmm_certificate",
            expires_on=today - timedelta(days=1),  # expired: not counted
        )
    )
    rebuild_summary(session)
    session.commit()
    return World(admin, firms)


def _kpi(kpis: tuple[dash.Kpi, ...], key: str) -> dash.Kpi:
    return next(k for k in kpis if k.key == key)


def test_prefecture_figures_equal_hand_computed_values(session: Session, world: World) -> None:
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    data = dash.dashboard(session, bureau, dash.Filters(year=2025), FRAMEWORKS)
    assert data.jurisdiction.level == "prefecture"
    kpis = data.kpis
    assert _kpi(kpis, "registered").value == 9
    assert _kpi(kpis, "assessed").value == 9
    assert _kpi(kpis, "submitted").value == 9
    assert _kpi(kpis, "mean_index").value == pytest.approx(450 / 9)
    # bins of 5 points, one value each in 10, 20, …, 90: the 4.5th value lies in [50, 55)
    assert _kpi(kpis, "median_index").value == pytest.approx(52.5)
    assert _kpi(kpis, "coverage").value == pytest.approx(100.0)
    assert _kpi(kpis, "dcmm_certified").value == pytest.approx(100 * 5 / 9)
    assert _kpi(kpis, "mean_index").previous == pytest.approx(5.0)  # 2024: five firms at 5
    ranking = data.charts["ranking"].frame.set_index("subregion")
    assert ranking.loc[KUNSHAN, "n"] == 6
    assert ranking.loc[KUNSHAN, "mean_index"] == pytest.approx(35.0)
    assert bool(ranking.loc[ZHANGJIAGANG, "suppressed"])  # 3 firms < 5
    assert HANGZHOU_COUNTY not in ranking.index
    levels = data.charts["levels"].frame
    level3 = levels[(levels["framework_id"] == "dcmm") & (levels["level"] == 3)].iloc[0]
    assert level3["n"] == 5
    assert level3["share"] == pytest.approx(100 * 5 / 9)
    level2 = levels[(levels["framework_id"] == "dcmm") & (levels["level"] == 2)].iloc[0]
    assert bool(level2["suppressed"])
    assert level2["share_at_or_above"] == pytest.approx(100 * 7 / 9)  # 7 firms at ≥ 2


def test_national_and_province_rank_their_children(session: Session, world: World) -> None:
    national_kpis = dash.kpis(session, world.admin, dash.Filters(year=2025), FRAMEWORKS)
    assert _kpi(national_kpis, "registered").value == 14  # every enterprise, nationally
    national = dash.subregion_ranking(session, world.admin, dash.Filters(year=2025))
    by_code = national.frame.set_index("subregion")
    assert by_code.loc[JIANGSU, "n"] == 9
    assert by_code.loc[JIANGSU, "mean_index"] == pytest.approx(50.0)
    assert by_code.loc["330000", "mean_index"] == pytest.approx(99.0)
    assert national.frame.iloc[0]["subregion"] == JIANGSU  # lowest first
    province = make_user(session, Role.BUREAU, region_code=JIANGSU)
    ranking = dash.subregion_ranking(session, province, dash.Filters(year=2025)).frame
    assert ranking["subregion"].tolist() == [SUZHOU]
    county = make_user(session, Role.BUREAU, region_code=KUNSHAN)
    trend = dash.trend(session, county, dash.Filters(year=2025), [2024, 2025]).frame
    assert trend.set_index("year")["mean_index"].to_dict() == pytest.approx({2024: 5.0, 2025: 35.0})


def test_priority_names_a_sub_region_only_where_there_are_several(
    session: Session, world: World
) -> None:
    prefecture = make_user(session, Role.BUREAU, region_code=SUZHOU)
    compared = dash.dashboard(session, prefecture, dash.Filters(year=2025), FRAMEWORKS).priority
    assert compared is not None
    assert compared.subregion == KUNSHAN  # the only sub-region shown (Zhangjiagang: 3 firms)
    assert not compared.whole
    county = make_user(session, Role.BUREAU, region_code=KUNSHAN)
    own = dash.dashboard(session, county, dash.Filters(year=2025), FRAMEWORKS).priority
    assert own is not None
    assert own.whole  # a county has no sub-regions: the box speaks of the county itself
    assert own.subregion == KUNSHAN
    assert own.subregion_index == pytest.approx(35.0)


def test_filters_narrow_every_figure(session: Session, world: World) -> None:
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    filters = dash.Filters(year=2025, industry="39")
    kpis = dash.kpis(session, bureau, filters, FRAMEWORKS)
    assert _kpi(kpis, "registered").value is None  # 3 enterprises: suppressed
    sub = dash.Filters(year=2025, subregion=KUNSHAN)
    assert _kpi(dash.kpis(session, bureau, sub, FRAMEWORKS), "assessed").value == 6
    with pytest.raises(ValidationFailed):
        dash.dashboard(session, bureau, dash.Filters(year=2025, subregion="330106"), FRAMEWORKS)


def test_only_bureaus_and_admins_see_dashboards(session: Session, world: World) -> None:
    enterprise_user = make_user(session, Role.ENTERPRISE, enterprise_id=world.firms[KUNSHAN][0].id)
    with pytest.raises(AccessDenied):
        dash.dashboard(session, enterprise_user, dash.Filters(year=2025), FRAMEWORKS)


def test_every_chart_and_download_suppresses_small_groups(session: Session, world: World) -> None:
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    data = dash.dashboard(session, bureau, dash.Filters(year=2025), FRAMEWORKS)
    k = data.k
    assert k == 5
    for chart in data.charts.values():
        frame = chart.frame
        shown = frame[~frame["suppressed"]]
        assert (shown["n"].dropna() >= k).all(), chart.key
        hidden = frame[frame["suppressed"]]
        assert hidden["n"].isna().all(), chart.key
        for column in ("mean_index", "share", "mean_score"):
            if column in hidden:
                assert hidden[column].isna().all(), (chart.key, column)
        for lang in ("zh", "en"):
            rows = list(csv.DictReader(io.StringIO(to_csv(chart, lang).decode("utf-8-sig"))))
            for row in rows:
                if row["suppressed"] == "True":
                    assert row["n"] == dash.suppressed_label(k, lang), chart.key
                elif row["n"]:
                    assert int(row["n"]) >= k, chart.key
        assert to_xlsx(chart).startswith(b"PK")
    assert any(chart.has_suppressed for chart in data.charts.values())


def test_k_comes_from_the_settings(
    session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("K_ANONYMITY", "3")
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    ranking = dash.subregion_ranking(session, bureau, dash.Filters(year=2025)).frame
    assert ranking.set_index("subregion").loc[ZHANGJIAGANG, "mean_index"] == pytest.approx(80.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=HYPERLINK(1)", "'=HYPERLINK(1)"), ("+1", "'+1"), ("-2", "'-2"), ("@x", "'@x"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("常州", "常州"), (3, 3)],
)  # fmt: skip
def test_download_cells_are_inert(value: object, expected: object) -> None:
    assert inert(value) == expected


def test_download_names_regions_and_keeps_labels_inert(session: Session, world: World) -> None:
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    chart = dash.subregion_ranking(session, bureau, dash.Filters(year=2025))
    table = chart_table(chart, "zh").set_index("subregion")
    assert table.loc[KUNSHAN, "subregion_name"] == "昆山市"
    assert table.loc[ZHANGJIAGANG, "n"] == "少于5家"


def test_summary_kept_by_submit_and_review_equals_a_rebuild(session: Session) -> None:
    admin = make_admin(session)
    firms = [make_enterprise(session, admin, KUNSHAN) for _ in range(5)]
    ids = []
    for i, firm in enumerate(firms):
        assessment = create_assessment(
            session, actor=admin, enterprise_id=firm.id or 0, year=2025, frameworks=["dcmm"]
        )
        answers = dcmm_answers("2")
        if i == 0:
            answers[0] = ("dcmm", answers[0][1], "4")
        version = save_answers(
            session,
            actor=admin,
            assessment_id=assessment.id or 0,
            base_version=assessment.version,
            answers=answers,
        )
        submit_assessment(
            session, actor=admin, assessment_id=assessment.id or 0, base_version=version
        )
        ids.append(assessment.id or 0)
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    review_assessment(session, actor=bureau, assessment_id=ids[0], verify=True)
    kept = summary_frame(session)
    assert not kept.empty
    rebuild_summary(session)
    session.commit()
    assert kept.equals(summary_frame(session))
    refresh_summary(session, assessment_ids=ids)  # a refresh of the same groups is idempotent
    assert kept.equals(summary_frame(session))
    # weakest indicators from the answers: one indicator at level 1 in all five
    weakest = dash.weakest_indicators(
        session, bureau, dash.Filters(year=2025), FRAMEWORKS, framework_id="dcmm"
    ).frame
    overall = weakest[weakest["industry"] == dash.ALL]
    assert overall.iloc[0]["n"] == 5
    first_indicator = dcmm_answers()[0][1]
    assert first_indicator not in set(overall["indicator_id"])  # raised in one firm: not weakest
    assert overall["mean_score"].iloc[0] == pytest.approx(40.0)  # level 2 of 5
    assert all(overall["work_points"].notna())


# ----------------------------------------------------------------------------- property

COUNTIES = reference.regions().query("level == 'county'")["code"].tolist()


@pytest.fixture
def scattered(session: Session) -> tuple[User, list[Enterprise]]:
    """Forty enterprises in counties spread over a few provinces, each with a 2025 result."""
    admin = make_admin(session)
    picks = [c for c in COUNTIES if c[:2] in {"32", "33", "44"}][::23][:40]
    firms = [make_enterprise(session, admin, code) for code in picks]
    for firm in firms:
        _result(session, admin, firm, 2025, 50, 2)
    rebuild_summary(session)
    session.commit()
    return admin, firms


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_a_bureau_never_counts_an_enterprise_outside_its_jurisdiction(
    session: Session, scattered: tuple[User, list[Enterprise]], data: st.DataObject
) -> None:
    _, firms = scattered
    codes = sorted({f.region_code for f in firms})
    anchor = data.draw(st.sampled_from(codes))
    level = data.draw(st.sampled_from([2, 4, 6]))
    jurisdiction = (anchor[:level] + "0000")[:6] if level < 6 else anchor
    if level == 6 and data.draw(st.booleans()):
        jurisdiction = data.draw(st.sampled_from(COUNTIES))  # often a county with nobody in it
    bureau = User(id=10**6, username="prop", role=Role.BUREAU.value, region_code=jurisdiction)
    inside = sum(reference.within(f.region_code, jurisdiction) for f in firms)
    kpis = dash.kpis(session, bureau, dash.Filters(year=2025), FRAMEWORKS)
    for key in ("registered", "assessed"):
        value = _kpi(kpis, key).value
        assert value == (inside if inside >= 5 or inside == 0 else None), (jurisdiction, key)
    ranking = dash.subregion_ranking(session, bureau, dash.Filters(year=2025)).frame
    assert all(reference.within(str(c), jurisdiction) for c in ranking["subregion"])
    shown = ranking.loc[~ranking["suppressed"], "n"].sum()
    assert shown <= inside


def test_a_rebuild_sums_coarser_grains_as_each_grain_computed_alone(
    session: Session, world: World
) -> None:
    """A whole rebuild sums the prefecture and province cells from the finer grain's cells; a
    refresh of every group computes each grain from the results: the two tables are equal,
    with cells of two counties falling into one prefecture cell."""
    admin = world.admin
    extra = [make_enterprise(session, admin, ZHANGJIAGANG) for _ in range(2)]  # as in Kunshan
    for firm, value, level in zip(extra, (35, 45), (2, 3), strict=True):
        _result(session, admin, firm, 2025, value, level)
    for firm, value in ((world.firms[KUNSHAN][0], "2"), (extra[0], "4")):  # indicator cells
        assessment = create_assessment(
            session, actor=admin, enterprise_id=firm.id or 0, year=2026, frameworks=["dcmm"]
        )
        version = save_answers(
            session,
            actor=admin,
            assessment_id=assessment.id or 0,
            base_version=assessment.version,
            answers=dcmm_answers(value),
        )
        submit_assessment(
            session, actor=admin, assessment_id=assessment.id or 0, base_version=version
        )
    rebuild_summary(session)
    session.commit()
    rebuilt = summary_frame(session)
    prefecture = rebuilt[(rebuilt["grain"] == "p") & (rebuilt["region_code"] == SUZHOU)]
    level_two = prefecture.query("year == 2025 and metric == 'level' and bucket == 2")
    assert level_two["n"].tolist() == [3]  # two firms in Kunshan, one in Zhangjiagang
    assert prefecture.query("year == 2026 and metric == 'indicator'")["n"].tolist() == [2]
    ids = [a.id or 0 for a in session.exec(select(Assessment)).all()]
    refresh_summary(session, assessment_ids=ids)
    assert rebuilt.equals(summary_frame(session))


def test_moving_an_enterprise_moves_its_figures(session: Session, world: World) -> None:
    from assessment.models import EnterpriseUpdate
    from assessment.repo.enterprises import update_enterprise

    firm = world.firms[ZHANGJIAGANG][0]
    update_enterprise(
        session,
        actor=world.admin,
        enterprise_id=firm.id or 0,
        data=EnterpriseUpdate(region_code=KUNSHAN),
    )
    kept = summary_frame(session)
    rebuild_summary(session)
    session.commit()
    assert kept.equals(summary_frame(session))
    bureau = make_user(session, Role.BUREAU, region_code=SUZHOU)
    ranking = dash.subregion_ranking(session, bureau, dash.Filters(year=2025)).frame
    assert ranking.set_index("subregion").loc[KUNSHAN, "n"] == 7
