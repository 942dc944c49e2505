"""Bureau pages in AppTest: the dashboard for national, province, prefecture and county users,
the review queue and the enterprise list."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from assessment import reference
from assessment.demo import generate
from assessment.models import Assessment, AuditEvent, Role, Status, User
from assessment.repo.demo_setup import with_county
from assessment.repo.loading import load_dataset
from indicators.loader import load_all, load_framework
from tests.integration.factories import make_admin, make_user
from tests.ui.conftest import AppAs

DASHBOARD = "app_pages/bureau/dashboard.py"


@dataclass
class Demo:
    users: dict[str, User]
    county: str


@pytest.fixture
def demo(app_engine: Engine) -> Demo:
    frameworks = {k: v for k, v in load_all().items() if k in ("dcmm", "cdo")}
    data, county = with_county(generate(enterprises=150, years=2, seed=5, frameworks=frameworks))
    load_dataset(app_engine, data)
    with Session(app_engine, expire_on_commit=False) as session:
        users = {
            "national": make_admin(session),
            "province": make_user(session, Role.BUREAU, region_code=county[:2] + "0000"),
            "prefecture": make_user(session, Role.BUREAU, region_code=county[:4] + "00"),
            "county": make_user(session, Role.BUREAU, region_code=county),
        }
    return Demo(users, county)


def _button(at: object, label: str) -> object:
    found = [b for b in at.button if b.label == label]  # type: ignore[attr-defined]
    assert found, [b.label for b in at.button]  # type: ignore[attr-defined]
    return found[0]


def _plotly_titles(at: object) -> list[dict[str, object]]:
    charts = at.get("plotly_chart")  # type: ignore[attr-defined]
    return [json.loads(chart.proto.spec) for chart in charts]


@pytest.mark.parametrize("who", ["national", "province", "prefecture", "county"])
def test_dashboard_renders_for_every_level(app_as: AppAs, demo: Demo, who: str) -> None:
    at = app_as(demo.users[who], page=DASHBOARD, lang="en")
    assert not at.exception
    markdown = " ".join(m.value for m in at.markdown)
    assert "Sub-region ranking (mean Ronghe Index)" in markdown
    assert "Weakest indicators (by industry)" in markdown
    captions = " ".join(c.value for c in at.caption)
    assert "n = " in captions
    assert "Unit:" in captions
    assert "Ronghe Index" in captions
    assert "not MIIT's official" in captions
    assert len(at.get("plotly_chart")) >= 5
    labels = [m.label for m in at.metric]
    assert "Coverage of the registry" in labels
    assert "CDO adoption" in labels


def test_prefecture_dashboard_compares_counties_and_points_to_the_laggard(
    app_as: AppAs, demo: Demo
) -> None:
    at = app_as(demo.users["prefecture"], page=DASHBOARD, lang="zh")
    assert not at.exception
    box = " ".join(i.value for i in at.info)
    assert "融合指数最低的下级区域" in box
    assert "最薄弱的指标" in box
    ranking = _plotly_titles(at)[0]
    assert len(ranking["data"][0]["y"]) >= 3  # several counties compared


def test_county_dashboard_speaks_of_its_own_county_not_a_lowest_sub_region(
    app_as: AppAs, demo: Demo
) -> None:
    at = app_as(demo.users["county"], page=DASHBOARD, lang="zh")
    assert not at.exception
    box = " ".join(i.value for i in at.info)
    assert "本辖区" in box
    assert "最低的下级区域" not in box


def test_dashboard_filter_change_narrows_to_one_county(app_as: AppAs, demo: Demo) -> None:
    # zh: AppTest formats the options outside the script, where the language is the default
    at = app_as(demo.users["prefecture"], page=DASHBOARD, lang="zh")
    position = 1 + reference.children(demo.county[:4] + "00").index(demo.county)  # after "All"
    at.selectbox(key="dash__subregion__zh").select_index(position).run()
    assert not at.exception
    ranking = _plotly_titles(at)[0]
    assert len(ranking["data"][0]["y"]) == 1


def test_review_page_verifies_an_assessment_and_audits_it(
    app_as: AppAs, demo: Demo, app_engine: Engine
) -> None:
    at = app_as(demo.users["county"], page="app_pages/bureau/review.py", lang="en")
    assert not at.exception
    chosen = int(at.selectbox(key="rev__pick").value)
    _button(at, "Verify").click().run()
    assert not at.exception
    with Session(app_engine) as session:
        assessment = session.get(Assessment, chosen)
        assert assessment is not None
        assert assessment.status == Status.VERIFIED.value
        events = session.exec(
            select(AuditEvent).where(col(AuditEvent.action) == "assessment.verified")
        ).all()
        assert [e.object_ids for e in events] == [[str(chosen)]]


def test_review_page_refuses_to_return_without_a_comment(app_as: AppAs, demo: Demo) -> None:
    at = app_as(demo.users["county"], page="app_pages/bureau/review.py", lang="en")
    _button(at, "Return for revision").click().run()  # no comment
    assert not at.exception
    assert any("needs a comment" in e.value for e in at.error)


def test_enterprise_list_links_to_results(app_as: AppAs, demo: Demo) -> None:
    at = app_as(demo.users["prefecture"], page="app_pages/bureau/enterprises.py", lang="en")
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) > 0
    links = table["Results"].dropna()
    assert links.str.fullmatch(r"/results\?assessment=\d+").all()


def test_registry_page_renders_and_campaign_progress_shows_on_the_dashboard(
    app_as: AppAs, demo: Demo, app_engine: Engine
) -> None:
    from assessment.analytics.registry import create_campaign

    at = app_as(demo.users["prefecture"], page="app_pages/bureau/registry.py", lang="en")
    assert not at.exception
    assert [m.label for m in at.metric] == ["Registered enterprises"]
    with Session(app_engine, expire_on_commit=False) as session:
        bureau = session.get(User, demo.users["prefecture"].id)
        assert bureau is not None
        create_campaign(
            session, actor=bureau, year=2025, name="Diagnosis drive", targets={demo.county: 40}
        )
    at = app_as(demo.users["prefecture"], page=DASHBOARD, lang="en")
    assert not at.exception
    markdown = " ".join(m.value for m in at.markdown)
    assert "Campaign progress: Diagnosis drive (2025)" in markdown


def test_review_page_lists_evidence_and_records_each_download(
    app_as: AppAs, demo: Demo, app_engine: Engine
) -> None:
    from assessment.models import EvidenceFile

    at = app_as(demo.users["county"], page="app_pages/bureau/review.py", lang="en")
    chosen = int(at.selectbox(key="rev__pick").value)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with Session(app_engine) as session:  # stands for a file the enterprise attached earlier
        evidence = EvidenceFile(
            assessment_id=chosen,
            framework_id="dcmm",
            indicator_id="data_strategy_planning",
            filename="strategy.pdf",
            media_type="application/pdf",
            size_bytes=len(pdf),
            sha256="0" * 64,
            content=pdf,
        )
        session.add(evidence)
        session.commit()
        file_id = evidence.id
        stored = session.get(Assessment, chosen)
        assert stored is not None
        version = stored.framework_versions["dcmm"]
    at.run()
    listed = " ".join(m.value for m in at.markdown if "strategy.pdf" in m.value)
    indicator = {i.id: i for i in load_framework("dcmm", version).indicators}[
        "data_strategy_planning"
    ]
    assert indicator.name.en in listed  # named in words, not by its id
    assert "data_strategy_planning" not in listed
    at.button(key=f"rev__file_{file_id}").click().run()
    assert not at.exception
    assert at.get("download_button")
    with Session(app_engine) as session:
        reads = session.exec(
            select(AuditEvent).where(col(AuditEvent.object_type) == "evidence_file")
        ).all()
        assert [e.object_ids for e in reads] == [[str(file_id)]]
