"""Grids: cell sizes, masks, counting — checked against shapely and numpy.histogram2d."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from diogel.analysis.grids import Grid, auto_cell_size, make_grid
from diogel.errors import InputError


@pytest.mark.parametrize(
    ("extent", "expected"),
    [
        # sfhotspot: floor((shorter side / 50) / 100) * 100 when that is > 0
        ((0, 0, 40_000, 32_000), 600.0),  # 640 -> 600
        ((0, 0, 10_000, 50_000), 200.0),  # 200 exactly
        ((0, 0, 9_999, 50_000), 100.0),  # 199.98 -> 100
        ((0, 0, 4_000, 4_000), 50.0),  # 80 -> nice number 50
        ((0, 0, 1_500, 1_000), 20.0),  # 20 exactly
        ((0, 0, 1_200, 1_200), 20.0),  # 24 -> 20
        ((0, 0, 1_300, 1_300), 25.0),  # 26 -> 25
    ],
)
def test_auto_cell_size_follows_the_sfhotspot_rule(extent, expected):
    assert auto_cell_size(extent) == expected


def test_auto_cell_size_is_reported_unless_quiet(caplog):
    with caplog.at_level("INFO", logger="diogel.analysis"):
        grid = make_grid((0, 0, 40_000, 32_000))
    assert grid.cell_size == 600
    assert "cell size set to 600 m" in caplog.text
    assert grid.notes == (
        "cell size set to 600 m automatically (shorter side of the extent / 50, rounded down)",
    )
    caplog.clear()
    with caplog.at_level("INFO", logger="diogel.analysis"):
        quiet = make_grid((0, 0, 40_000, 32_000), quiet=True)
    assert caplog.text == ""
    assert quiet.notes == grid.notes


def test_origin_is_snapped_so_grids_line_up():
    grid = make_grid(np.array([[331_234.0, 187_777.0], [331_950.0, 188_020.0]]), cell_size=100)
    assert grid.origin == (331_200.0, 187_700.0)
    # the far point lies in the last cell, which is closed on its west/south sides
    assert grid.shape == (4, 8)


def test_count_matches_histogram2d_with_weights():
    rng = np.random.default_rng(3)
    xy = rng.uniform([300_000, 180_000], [305_000, 183_000], size=(5_000, 2))
    weights = rng.gamma(2.0, 10.0, size=5_000)
    grid = make_grid(xy, cell_size=250, quiet=True)
    x0, y0, x1, y1 = grid.extent
    expected, _, _ = np.histogram2d(
        xy[:, 1],
        xy[:, 0],
        bins=[grid.n_rows, grid.n_cols],
        range=[[y0, y1], [x0, x1]],
        weights=weights,
    )
    np.testing.assert_allclose(grid.count(xy, weights), expected, rtol=1e-12)
    assert grid.count(xy).sum() == 5_000


def test_points_on_cell_edges_go_to_the_cell_to_their_north_east():
    grid = make_grid((0, 0, 300, 300), cell_size=100, quiet=True)
    counts = grid.count(np.array([[100.0, 200.0], [0.0, 0.0], [299.999, 299.999]]))
    assert counts[2, 1] == 1 and counts[0, 0] == 1 and counts[2, 2] == 1


def _reference_mask(grid: Grid, boundary, rule: str) -> np.ndarray:
    """Brute force with shapely: one cell at a time."""
    mask = np.zeros(grid.shape, dtype=bool)
    x0, y0 = grid.origin
    s = grid.cell_size
    for r in range(grid.n_rows):
        for c in range(grid.n_cols):
            cell = box(x0 + c * s, y0 + r * s, x0 + (c + 1) * s, y0 + (r + 1) * s)
            if rule == "centroid":
                mask[r, c] = boundary.intersects(cell.centroid)
            else:
                mask[r, c] = boundary.intersection(cell).area > 0
    return mask


@pytest.mark.parametrize("rule", ["intersects", "centroid"])
def test_mask_matches_cell_by_cell_shapely(rule):
    star = Polygon(
        [
            (
                1000 + (900 if k % 2 == 0 else 350) * math.cos(k * math.pi / 7),
                2000 + (900 if k % 2 == 0 else 350) * math.sin(k * math.pi / 7),
            )
            for k in range(14)
        ]
    )
    hole_y = Point(1000, 2000).buffer(120)
    area = star.difference(hole_y)
    grid = make_grid(boundary=area, cell_size=73, rule=rule, quiet=True)
    np.testing.assert_array_equal(grid.mask, _reference_mask(grid, area, rule))


def test_boundary_aligned_with_grid_lines_takes_no_outside_cells():
    grid = make_grid(boundary=box(0, 0, 1000, 500), cell_size=100, quiet=True)
    assert grid.shape == (5, 10)
    assert grid.mask.all()


def test_points_outside_the_area_are_not_counted():
    area = Point(0, 0).buffer(1000)
    grid = make_grid(boundary=area, cell_size=100, quiet=True)
    counts = grid.count(np.array([[0.0, 0.0], [990.0, 990.0], [5000.0, 0.0]]))
    assert counts.sum() == 1.0
    _, _, inside = grid.locate(np.array([[990.0, 990.0]]))
    assert not inside[0]


def test_cells_and_geodataframe():
    area = Point(500, 500).buffer(400)
    grid = make_grid(boundary=area, cell_size=100, quiet=True)
    cells = grid.cells()
    assert len(cells) == grid.n_cells
    assert (cells["cell_id"] == cells["row"] * grid.n_cols + cells["col"]).all()
    gdf = grid.to_geodataframe()
    assert gdf.crs.to_epsg() == 27700
    np.testing.assert_allclose(gdf.area, 100 * 100)
    np.testing.assert_allclose(gdf.geometry.centroid.x, cells["x"])
    clipped = grid.to_geodataframe(clip=True)
    assert clipped.area.sum() == pytest.approx(area.area, rel=1e-9)


def test_grid_is_frozen():
    grid = make_grid((0, 0, 100, 100), cell_size=10, quiet=True)
    with pytest.raises(AttributeError):
        grid.cell_size = 5  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        grid.mask[0, 0] = False


def test_points_frame_and_array_agree():
    frame = pd.DataFrame({"x": [1.0, 250.0], "y": [1.0, 130.0], "other": ["a", "b"]})
    a = make_grid(frame, cell_size=50, quiet=True)
    b = make_grid(frame[["x", "y"]].to_numpy(), cell_size=50, quiet=True)
    assert a.origin == b.origin and a.shape == b.shape


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"data": pd.DataFrame({"lon": [1.0]})}, "no column 'x' or 'y'"),
        ({"data": np.zeros((3, 3))}, "(n, 2) array"),
        ({"data": (0, 0, 10, 10), "cell_size": -5}, "positive number of metres"),
        ({"data": (0, 0, 10, 10), "cell_size": "200"}, "cell_size must be a number"),
        ({"data": (0, 0, 10, 0)}, "xmax > xmin"),
        ({"data": (0, 0, 1e6, 1e6), "cell_size": 0.1}, "more than the limit"),
        ({"boundary": "Newport"}, "shapely Polygon"),
        ({"boundary": box(-3.1, 51.5, -2.9, 51.6)}, "longitude/latitude"),
        ({}, "needs points"),
        ({"data": np.array([[-3.0, 51.5], [-2.9, 51.6]])}, "look like longitude/latitude"),
        ({"data": np.array([[1.0, 1.0], [1.0, 1.0]])}, "no width or no height"),
        ({"data": (0, 0, 1, 1), "rule": "touches"}, "rule must be"),
    ],
)
def test_bad_input_names_the_argument(kwargs, fragment):
    with pytest.raises(InputError, match=None) as info:
        make_grid(quiet=True, **kwargs)
    assert fragment in str(info.value)
    assert info.value.hint


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(300_000, 310_000, allow_nan=False),
            st.floats(180_000, 190_000, allow_nan=False),
        ),
        min_size=2,
        max_size=60,
    ),
    st.sampled_from([7.5, 100.0, 333.0, 1234.5]),
)
def test_every_point_is_counted_exactly_once(coords, cell_size):
    xy = np.array(coords)
    grid = make_grid(xy, cell_size=cell_size, quiet=True)
    counts = grid.count(xy)
    assert counts.sum() == len(xy)
    rows, cols, inside = grid.locate(xy)
    assert inside.all()
    x0, y0 = grid.origin
    assert (x0 + cols * cell_size <= xy[:, 0] + 1e-6).all()
    assert (xy[:, 0] < x0 + (cols + 1) * cell_size + 1e-6).all()
    assert (y0 + rows * cell_size <= xy[:, 1] + 1e-6).all()
    assert (xy[:, 1] < y0 + (rows + 1) * cell_size + 1e-6).all()
    assert shapely.box(*grid.extent).covers(shapely.points(xy)).all()
