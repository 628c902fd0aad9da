"""Square grids over a study area in British National Grid metres, and counting points into them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from diogel.analysis.grid_inputs import check_boundary, check_cell_size, extent_of
from diogel.analysis.hotspots_inputs import report
from diogel.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "CELLS_ON_SHORTER_SIDE",
    "CRS",
    "MAX_CELLS",
    "ROUND_CELL_SIZE_TO",
    "Grid",
    "auto_cell_size",
    "make_grid",
]

#: Coordinate reference system of every grid: British National Grid, metres.
CRS = "EPSG:27700"
#: The automatic cell size puts about this many cells along the shorter side of the
#: extent (the rule sfhotspot uses).
CELLS_ON_SHORTER_SIDE = 50
#: Automatic cell sizes of 100 m or more are rounded down to a multiple of this.
ROUND_CELL_SIZE_TO = 100.0
#: Refuse grids with more cells than this (a cell size typed in the wrong unit).
MAX_CELLS = 25_000_000

Rule = Literal["intersects", "centroid"]


def _nice_floor(value: float) -> float:
    """Largest number of the form {1, 2, 2.5, 5} x 10**k not above ``value``."""
    exponent = math.floor(math.log10(value))
    base = 10.0**exponent
    for step in (5.0, 2.5, 2.0, 1.0):
        if step * base <= value * (1 + 1e-12):
            return step * base
    return base  # pragma: no cover - unreachable, 1 * base <= value always


def auto_cell_size(extent: Sequence[float]) -> float:
    """The automatic cell size for an extent ``(xmin, ymin, xmax, ymax)`` in metres.

    The shorter side divided by ``CELLS_ON_SHORTER_SIDE`` (50), rounded *down* to a
    multiple of 100 m when that is at least 100 m (as sfhotspot does), otherwise down
    to a 'nice' number (1, 2, 2.5 or 5 times a power of ten).

    Examples
    --------
    >>> auto_cell_size((300000, 180000, 340000, 212000))  # 32 km / 50 = 640 m
    600.0
    >>> auto_cell_size((0, 0, 2000, 3000))  # 2 km / 50 = 40 m
    25.0
    """
    xmin, ymin, xmax, ymax = (float(v) for v in extent)
    shorter = min(xmax - xmin, ymax - ymin)
    if not shorter > 0:
        raise InputError(
            f"cannot choose a cell size automatically: the extent {tuple(extent)} has no "
            "width or no height",
            hint="pass cell_size (metres) explicitly",
        )
    raw = shorter / CELLS_ON_SHORTER_SIDE
    if raw >= ROUND_CELL_SIZE_TO:
        return math.floor(raw / ROUND_CELL_SIZE_TO) * ROUND_CELL_SIZE_TO
    return _nice_floor(raw)


@dataclass(frozen=True, eq=False)
class Grid:
    """A regular grid of square cells, with the cells that belong to the study area.

    Cell ``(row, col)`` covers ``x0 + col * cell_size <= x < x0 + (col + 1) * cell_size``
    and likewise for ``y`` with ``row``; row 0 is the southernmost row. A cell's
    ``cell_id`` is ``row * n_cols + col``. Cells where ``mask`` is False are outside the
    study area: they take no part in any statistic (they are not zeros), and points
    falling in them are not counted.

    Attributes
    ----------
    origin : tuple of float
        ``(x0, y0)``, the south-west corner of cell (0, 0), in metres.
    cell_size : float
        Side of a cell in metres.
    shape : tuple of int
        ``(n_rows, n_cols)``.
    mask : numpy.ndarray
        Boolean ``(n_rows, n_cols)`` array, True for cells in the study area (read-only).
    boundary : shapely geometry or None
        The study-area polygon the mask was built from, if any.
    rule : str
        How the mask was built: ``"intersects"`` or ``"centroid"`` (see `make_grid`).
    notes : tuple of str
        Values chosen automatically while building the grid.
    """

    origin: tuple[float, float]
    cell_size: float
    shape: tuple[int, int]
    mask: np.ndarray = field(repr=False)
    boundary: BaseGeometry | None = field(default=None, repr=False)
    rule: str = "intersects"
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        mask = np.array(self.mask, dtype=bool)
        if mask.shape != tuple(self.shape):
            raise InputError(
                f"mask has shape {mask.shape} but the grid shape is {tuple(self.shape)}",
                hint="build grids with make_grid",
            )
        mask.setflags(write=False)
        object.__setattr__(self, "mask", mask)

    @property
    def n_rows(self) -> int:
        """Number of rows (south to north)."""
        return int(self.shape[0])

    @property
    def n_cols(self) -> int:
        """Number of columns (west to east)."""
        return int(self.shape[1])

    @property
    def n_cells(self) -> int:
        """Number of cells in the study area."""
        return int(self.mask.sum())

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the whole rectangular grid."""
        x0, y0 = self.origin
        return (x0, y0, x0 + self.n_cols * self.cell_size, y0 + self.n_rows * self.cell_size)

    def centroid_axes(self) -> tuple[np.ndarray, np.ndarray]:
        """Centroid x of every column and centroid y of every row."""
        x0, y0 = self.origin
        xs = x0 + (np.arange(self.n_cols) + 0.5) * self.cell_size
        ys = y0 + (np.arange(self.n_rows) + 0.5) * self.cell_size
        return xs, ys

    def locate(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and in-area flag of each point of an ``(n, 2)`` array.

        Points outside the grid or in a cell outside the study area get ``False``
        (their row and column are then meaningless); so do points with a NaN coordinate.
        """
        x0, y0 = self.origin
        with np.errstate(invalid="ignore"):
            col_f = np.floor((xy[:, 0] - x0) / self.cell_size)
            row_f = np.floor((xy[:, 1] - y0) / self.cell_size)
        ok = (col_f >= 0) & (col_f < self.n_cols) & (row_f >= 0) & (row_f < self.n_rows)
        row = np.where(ok, row_f, 0).astype(np.intp)
        col = np.where(ok, col_f, 0).astype(np.intp)
        if not self.mask.all():
            ok &= self.mask[row, col]
        return row, col, ok

    def flat_index(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Flat cell index (``row * n_cols + col``) of each point, and its in-area flag."""
        row, col, ok = self.locate(xy)
        return row * self.n_cols + col, ok

    def totals(self, flat: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Count (or sum ``weights``) per cell from in-area flat indices, as a 2-D array."""
        counts = np.bincount(flat, weights=weights, minlength=self.n_rows * self.n_cols)
        return counts.astype(float).reshape(self.shape)

    def count(self, xy: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Count (or sum ``weights`` of) points per cell as an ``(n_rows, n_cols)`` array.

        Cells outside the study area hold 0 here; use `mask` to leave them out.

        Examples
        --------
        >>> grid = make_grid((0, 0, 300, 200), cell_size=100, quiet=True)
        >>> grid.count(np.array([[50.0, 50.0], [60.0, 40.0], [250.0, 150.0]]))
        array([[2., 0., 0.],
               [0., 0., 1.]])
        """
        flat, ok = self.flat_index(xy)
        w = None if weights is None else np.asarray(weights, dtype=float)[ok]
        return self.totals(flat[ok], w)

    def cell_columns(self) -> dict[str, np.ndarray]:
        """The columns of `cells` as arrays (to build a result frame in one step)."""
        rows, cols = np.nonzero(self.mask)
        xs, ys = self.centroid_axes()
        return {
            "cell_id": rows * self.n_cols + cols,
            "row": rows,
            "col": cols,
            "x": xs[cols],
            "y": ys[rows],
        }

    def cells(self) -> pd.DataFrame:
        """The study-area cells: ``cell_id``, ``row``, ``col`` and centroid ``x``, ``y``.

        Examples
        --------
        >>> make_grid((0, 0, 200, 100), cell_size=100, quiet=True).cells()
           cell_id  row  col      x     y
        0        0    0    0   50.0  50.0
        1        1    0    1  150.0  50.0
        """
        return pd.DataFrame(self.cell_columns())

    def polygons(self, rows: np.ndarray, cols: np.ndarray, *, clip: bool = False) -> np.ndarray:
        """Square cell polygons for the given rows and columns (clipped to the boundary if asked)."""
        x0, y0 = self.origin
        size = self.cell_size
        xmin = x0 + np.asarray(cols) * size
        ymin = y0 + np.asarray(rows) * size
        boxes = shapely.box(xmin, ymin, xmin + size, ymin + size)
        if clip and self.boundary is not None:
            boxes = shapely.intersection(boxes, self.boundary)
        return np.asarray(boxes)

    def to_geodataframe(self, *, clip: bool = False) -> gpd.GeoDataFrame:
        """The study-area cells as a GeoDataFrame of square polygons in EPSG:27700.

        Parameters
        ----------
        clip : bool
            Clip edge cells to the boundary (when the grid has one).

        Examples
        --------
        >>> make_grid((0, 0, 200, 100), cell_size=100, quiet=True).to_geodataframe().crs.to_epsg()
        27700
        """
        import geopandas as gpd

        frame = self.cells()
        geometry = self.polygons(frame["row"].to_numpy(), frame["col"].to_numpy(), clip=clip)
        return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def _mask_for(
    boundary: BaseGeometry,
    origin: tuple[float, float],
    cell_size: float,
    shape: tuple[int, int],
    rule: str,
) -> np.ndarray:
    n_rows, n_cols = shape
    x0, y0 = origin
    cols = np.arange(n_cols)
    rows = np.arange(n_rows)
    cx = x0 + (cols + 0.5) * cell_size
    cy = y0 + (rows + 0.5) * cell_size
    gx, gy = np.meshgrid(cx, cy)
    # A private copy to prepare: the caller's geometry may be shared with other threads
    # (a cached council boundary), and GEOS builds a prepared geometry's index on first
    # use without a lock (libgeos/geos#825).
    boundary = shapely.from_wkb(shapely.to_wkb(boundary))
    shapely.prepare(boundary)
    inside = shapely.intersects_xy(boundary, gx, gy)
    if rule == "centroid":
        return np.asarray(inside, dtype=bool)
    # Only cells the boundary line passes through can share area with the area without
    # their centre being in it (or be partly outside with the centre in). Sample the line
    # every half cell: each cell it crosses is next to a cell holding a sample.
    samples = shapely.get_coordinates(shapely.segmentize(boundary.boundary, cell_size / 2))
    sample_col = np.floor((samples[:, 0] - x0) / cell_size).astype(np.intp)
    sample_row = np.floor((samples[:, 1] - y0) / cell_size).astype(np.intp)
    near = np.zeros((n_rows + 2, n_cols + 2), dtype=bool)
    for di in (0, 1, 2):
        for dj in (0, 1, 2):
            rr = np.clip(sample_row + di, 0, n_rows + 1)
            cc = np.clip(sample_col + dj, 0, n_cols + 1)
            near[rr, cc] = True
    r, c = np.nonzero(near[1:-1, 1:-1])
    inside = np.array(inside, dtype=bool)
    if r.size:
        boxes = shapely.box(
            x0 + c * cell_size,
            y0 + r * cell_size,
            x0 + (c + 1) * cell_size,
            y0 + (r + 1) * cell_size,
        )
        # Share area = intersect without merely touching along an edge or a corner.
        inside[r, c] = shapely.intersects(boundary, boxes) & ~shapely.touches(boundary, boxes)
    return inside


def make_grid(
    data: Any = None,
    *,
    cell_size: float | None = None,
    boundary: BaseGeometry | None = None,
    rule: Rule = "intersects",
    quiet: bool = False,
) -> Grid:
    """Build a grid of square cells over points, an extent or a boundary.

    Parameters
    ----------
    data : DataFrame, array or tuple, optional
        Points (a frame with ``x``, ``y`` columns or an ``(n, 2)`` array, British
        National Grid metres) or an extent ``(xmin, ymin, xmax, ymax)``. May be omitted
        when ``boundary`` is given.
    cell_size : float, optional
        Side of a cell in metres. By default it is chosen from the extent (see
        `auto_cell_size`: the shorter side / 50, rounded down to a multiple of 100 m)
        and reported.
    boundary : shapely Polygon or MultiPolygon, optional
        The study area, in British National Grid metres. The grid then covers the
        boundary's bounding box (not the points) and only cells in the area are kept.
    rule : {"intersects", "centroid"}
        Which cells belong to the area: ``"intersects"`` (default, as sfhotspot) keeps
        every cell that shares some area with the boundary (touching along an edge is
        not enough); ``"centroid"`` keeps cells whose centre lies in the boundary
        (or on its edge).
    quiet : bool
        Do not log automatically chosen values (they are still kept in ``notes``).

    Returns
    -------
    Grid
        The origin is snapped down to a multiple of the cell size, so grids built with
        the same cell size over different data line up.

    Raises
    ------
    InputError
        On points without ``x``/``y``, a non-positive cell size, a boundary that is not
        a polygon, or more than ``MAX_CELLS`` cells.

    Examples
    --------
    >>> grid = make_grid((330000, 185000, 332000, 186000), quiet=True)
    >>> grid.cell_size, grid.shape, grid.n_cells
    (20.0, (50, 100), 5000)
    >>> grid.notes[0]
    'cell size set to 20 m automatically (shorter side of the extent / 50, rounded down)'
    >>> from shapely.geometry import Point
    >>> disc = Point(0, 0).buffer(1000, quad_segs=64)
    >>> g = make_grid(boundary=disc, cell_size=250, quiet=True)
    >>> g.shape, g.n_cells, make_grid(boundary=disc, cell_size=250, rule="centroid").n_cells
    ((8, 8), 60, 52)
    """
    if rule not in ("intersects", "centroid"):
        raise InputError(
            f"rule must be 'intersects' or 'centroid'; received {rule!r}",
            hint="'intersects' keeps every cell sharing area with the boundary",
        )
    size = check_cell_size(cell_size)
    area = check_boundary(boundary)
    notes: list[str] = []
    points_xy: np.ndarray | None = None
    if area is not None:
        extent = tuple(float(v) for v in area.bounds)
    elif data is None:
        raise InputError(
            "make_grid needs points, an extent or a boundary; received none",
            hint="pass the points, (xmin, ymin, xmax, ymax) or boundary=polygon",
        )
    else:
        extent, points_xy = extent_of(data)
    xmin, ymin, xmax, ymax = extent
    if size is None:
        size = auto_cell_size(extent)
        report(
            notes,
            f"cell size set to {size:g} m automatically "
            "(shorter side of the extent / 50, rounded down)",
            quiet=quiet,
        )
    x0 = math.floor(xmin / size) * size
    y0 = math.floor(ymin / size) * size
    n_cols = math.floor((xmax - x0) / size) + 1
    n_rows = math.floor((ymax - y0) / size) + 1
    # An area (extent or boundary) ending exactly on a grid line needs no extra column;
    # points lying exactly on the far edge do (cells are closed on the west/south side).
    if points_xy is None:
        if x0 + (n_cols - 1) * size >= xmax:
            n_cols -= 1
        if y0 + (n_rows - 1) * size >= ymax:
            n_rows -= 1
    if n_rows * n_cols > MAX_CELLS:
        raise InputError(
            f"cell_size {size:g} m gives {n_rows:,} x {n_cols:,} = {n_rows * n_cols:,} cells, "
            f"more than the limit of {MAX_CELLS:,}",
            hint="use a larger cell_size (it is in metres), or leave it out",
        )
    shape = (n_rows, n_cols)
    if area is None:
        mask = np.ones(shape, dtype=bool)
    else:
        mask = _mask_for(area, (x0, y0), size, shape, rule)
        if not mask.any():
            raise InputError(  # pragma: no cover - a polygon with area always hits a cell
                "no grid cell lies in the boundary", hint="check the boundary's coordinates"
            )
    return Grid(
        origin=(x0, y0),
        cell_size=size,
        shape=shape,
        mask=mask,
        boundary=area,
        rule=rule,
        notes=tuple(notes),
    )
