"""The statistics panel: targets, session and today's words, the per-day chart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.store.manuscript import (
    add_chapter,
    add_scene,
    create_book,
    get_book,
    get_scene,
    set_scene_text,
)
from core.store.writing_stats import record_word_delta
from desktop.panels.stats_panel import HISTORY_DAYS, DailyWordsChart, StatsPanel


@pytest.fixture
def book(aw_library):
    with aw_library.session() as s:
        book = create_book(session=s, title="Counted", word_target=100)
        scene = add_scene(
            session=s, chapter=add_chapter(session=s, book=book), text="one two three four"
        )
        record_word_delta(session=s, book_id=book.id, delta=40, when=date.today())
        record_word_delta(
            session=s, book_id=book.id, delta=90, when=date.today() - timedelta(days=2)
        )
        return {"book": book.id, "scene": scene.id}


def test_shows_targets_today_and_history(qtbot, aw_library, book):
    panel = StatsPanel(aw_library, book["book"])
    qtbot.addWidget(panel)
    assert panel.book_words.text() == "4 of 100 words"
    assert panel.book_bar.value() == 4 and panel.book_bar.isVisibleTo(panel)
    assert panel.today_words.text() == "40 words"
    assert panel.session_words.text() == "0 words"
    assert not panel.session_bar.isVisibleTo(panel)
    days = panel.chart.days
    assert len(days) == HISTORY_DAYS
    assert (days[-1].words, days[-3].words, days[-2].words) == (40, 90, 0)


def test_session_words_and_targets(qtbot, aw_library, book):
    panel = StatsPanel(aw_library, book["book"])
    qtbot.addWidget(panel)
    panel.session_target_box.setValue(10)
    panel.book_target_box.setValue(50)
    panel.apply_targets()
    with aw_library.session() as s:
        assert get_book(session=s, book_id=book["book"]).word_target == 50
        scene = get_scene(session=s, scene_id=book["scene"])
        set_scene_text(session=s, scene=scene, text="one two three four five six seven eight")
    panel.refresh()
    assert panel.session_words.text() == "4 of 10 words"
    assert panel.session_bar.value() == 4
    assert panel.book_words.text() == "8 of 50 words"
    assert panel.chart.target == 10


def test_chart_bars_scale_to_the_best_day(qtbot, aw_library, book):
    panel = StatsPanel(aw_library, book["book"])
    qtbot.addWidget(panel)
    panel.chart.resize(300, 160)
    rects = panel.chart.bar_rects()
    assert len(rects) == HISTORY_DAYS
    assert rects[-3].height() > rects[-1].height() > 0 == rects[-2].height()
    assert rects[-3].height() / rects[-1].height() == pytest.approx(90 / 40)
    panel.show()
    qtbot.waitExposed(panel)
    image = panel.chart.grab().toImage()
    assert not image.isNull()


def test_empty_chart_paints(qtbot):
    chart = DailyWordsChart()
    qtbot.addWidget(chart)
    chart.resize(200, 100)
    assert chart.bar_rects() == []
    assert not chart.grab().isNull()
