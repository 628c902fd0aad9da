"""A synthetic strategic assessment with every figure kind, in English or Welsh.

Used by the reports tests and by ``python -m tests.reports.sample OUT_DIR``, which renders
it to HTML, PDF, CSV and XLSX for people to look at.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from diogel.assess.model import Assessment, Figure, Section, Statement, Table

OGL = {
    "en": "Contains public sector information licensed under the Open Government Licence "
    "v3.0. Contains OS data © Crown copyright and database right 2024.",
    "cy": "Yn cynnwys gwybodaeth sector cyhoeddus a drwyddedir o dan y Drwydded Llywodraeth "
    "Agored v3.0. Yn cynnwys data'r AO © Hawlfraint y Goron a hawl cronfa ddata 2024.",
}
TOTAL_CRIMES = 20961
VIOLENCE = (2310, 2587)

#: The words the sample uses, in each language (as ``assess`` would supply them).
WORDS = {
    "en": {
        "title": "Community safety strategic assessment",
        "subtitle": "Crime and anti-social behaviour, July 2022 to June 2024",
        "area": "Newport",
        "period": "July 2023 to June 2024",
        "comparison": "July 2022 to June 2023",
        "s_area": "The area",
        "s_overall": "Overall picture",
        "s_violence": "Violence and sexual offences",
        "s_where": "Where violence happens",
        "s_asb": "Anti-social behaviour",
        "s_matrix": "Priority matrix",
        "s_quality": "Data quality and methods",
        "crimes": "Crimes",
        "month": "Month",
        "limit": "Upper control limit",
        "rate": "Crimes per 1,000 residents",
        "population": "Residents",
        "location": "Location",
        "lsoa": "LSOA",
        "count": "Crimes",
        "volume": "Volume score",
        "harm": "Harm and trend score",
        "category": "Category",
        "score": "Score",
        "l95": "95% lower limit",
        "u95": "95% upper limit",
        "l998": "99.8% lower limit",
        "u998": "99.8% upper limit",
        "rows": "Rows",
        "item": "Item",
    },
    "cy": {
        "title": "Asesiad strategol diogelwch cymunedol",
        "subtitle": "Troseddu ac ymddygiad gwrthgymdeithasol, Gorffennaf 2022 i Fehefin 2024",
        "area": "Casnewydd",
        "period": "Gorffennaf 2023 i Fehefin 2024",
        "comparison": "Gorffennaf 2022 i Fehefin 2023",
        "s_area": "Yr ardal",
        "s_overall": "Y darlun cyffredinol",
        "s_violence": "Trais a throseddau rhywiol",
        "s_where": "Ble mae trais yn digwydd",
        "s_asb": "Ymddygiad gwrthgymdeithasol",
        "s_matrix": "Matrics blaenoriaethau",
        "s_quality": "Ansawdd data a dulliau",
        "crimes": "Troseddau",
        "month": "Mis",
        "limit": "Terfyn rheoli uchaf",
        "rate": "Troseddau fesul 1,000 o breswylwyr",
        "population": "Preswylwyr",
        "location": "Lleoliad",
        "lsoa": "ACEHI",
        "count": "Troseddau",
        "volume": "Sgôr nifer",
        "harm": "Sgôr niwed a thuedd",
        "category": "Categori",
        "score": "Sgôr",
        "l95": "Terfyn isaf 95%",
        "u95": "Terfyn uchaf 95%",
        "l998": "Terfyn isaf 99.8%",
        "u998": "Terfyn uchaf 99.8%",
        "rows": "Rhesi",
        "item": "Eitem",
    },
}


def boundary() -> shapely.Polygon:
    """An irregular council-sized outline (about 18 by 13 km) in British National Grid."""
    angles = np.linspace(0, 2 * np.pi, 90, endpoint=False)
    radius = 7000 + 1500 * np.sin(3 * angles) + 600 * np.cos(7 * angles)
    x = 331000 + 1.3 * radius * np.cos(angles)
    y = 188000 + radius * np.sin(angles)
    return shapely.Polygon(np.column_stack([x, y]))


def grid(cell: float, outline: shapely.Polygon) -> gpd.GeoDataFrame:
    """Square cells clipped to ``outline`` with a hot/cold class and a density value."""
    x0, y0, x1, y1 = outline.bounds
    xs, ys = np.meshgrid(np.arange(x0, x1, cell), np.arange(y0, y1, cell))
    cells = shapely.box(xs.ravel(), ys.ravel(), xs.ravel() + cell, ys.ravel() + cell)
    cells = cells[shapely.intersects(cells, outline)]
    centres = shapely.get_coordinates(shapely.centroid(cells))
    d1 = np.hypot(centres[:, 0] - 333000, centres[:, 1] - 189000)
    d2 = np.hypot(centres[:, 0] - 325000, centres[:, 1] - 184000)
    density = 40 * np.exp(-((d1 / 1500) ** 2)) + 15 * np.exp(-((d2 / 1000) ** 2))
    density = density + 0.5 * np.exp(-((d2 / 6000) ** 2))
    cls = np.where(density > 8, "hot", np.where(d1 > 8500, "cold", "not significant"))
    return gpd.GeoDataFrame(
        {"class": cls, "value": density}, geometry=list(cells), crs="EPSG:27700"
    )


def lsoas(outline: shapely.Polygon) -> gpd.GeoDataFrame:
    """Thirty made-up neighbourhoods: Voronoi cells of random points clipped to the area."""
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = outline.bounds
    points = shapely.points(rng.uniform(x0, x1, 40), rng.uniform(y0, y1, 40))
    regions = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points)))
    regions = shapely.intersection(regions, outline)
    regions = regions[~shapely.is_empty(regions) & (shapely.area(regions) > 0)]
    values = rng.poisson(60, len(regions)).astype(float)
    codes = [f"W0100{1000 + i}" for i in range(len(regions))]
    return gpd.GeoDataFrame(
        {"code": codes, "value": values}, geometry=list(regions), crs="EPSG:27700"
    )


def sample_assessment(lang: str = "en", *, cell: float = 400.0) -> Assessment:
    """The synthetic assessment in ``lang`` ("en" or "cy")."""
    w = WORDS[lang]
    outline = boundary()
    cells = grid(cell, outline)
    months = pd.period_range("2021-07", "2024-06", freq="M")
    rng = np.random.default_rng(3)
    seasonal = 1 + 0.12 * np.sin((months.month.to_numpy() - 4) / 12 * 2 * np.pi)
    counts = rng.poisson(580 * seasonal).astype(int)
    monthly = pd.DataFrame(
        {"x": months.strftime("%Y-%m"), w["crimes"]: counts, w["limit"]: 580 * seasonal * 1.2}
    )
    lakes = {
        "en": [
            "Newport",
            "Cardiff",
            "Swansea",
            "Wrexham",
            "Blaenau Gwent",
            "Torfaen",
            "Monmouthshire",
            "Caerphilly",
            "Powys",
            "Ceredigion",
            "Gwynedd",
        ],
        "cy": [
            "Casnewydd",
            "Caerdydd",
            "Abertawe",
            "Wrecsam",
            "Blaenau Gwent",
            "Torfaen",
            "Sir Fynwy",
            "Caerffili",
            "Powys",
            "Ceredigion",
            "Gwynedd",
        ],
    }[lang]
    population = np.array(
        [161000, 372000, 246000, 135000, 67000, 93000, 93000, 176000, 133000, 71000, 117000],
        dtype=float,
    )
    rate = np.array([118, 104, 96, 101, 99, 84, 58, 80, 61, 52, 66], dtype=float)
    overall = 85.0
    se = np.sqrt(overall / 1000 / population) * 1000
    funnel = pd.DataFrame(
        {
            "label": lakes,
            "population": population,
            "rate": rate,
            w["l95"]: overall - 1.96 * se * 30,
            w["u95"]: overall + 1.96 * se * 30,
            w["l998"]: overall - 3.09 * se * 30,
            w["u998"]: overall + 3.09 * se * 30,
        }
    )
    season = (
        pd.DataFrame({"month": months.month, "value": counts})
        .groupby("month", as_index=False)["value"]
        .mean()
    )
    locations = {
        "en": [
            "On or near Commercial Street",
            "On or near High Street",
            "On or near Bus Station",
            "On or near Cambrian Road",
            "On or near Shopping Area",
            "On or near Stow Hill",
        ],
        "cy": [
            "Ar neu gerllaw Commercial Street",
            "Ar neu gerllaw High Street",
            "Ar neu gerllaw'r Orsaf Fysiau",
            "Ar neu gerllaw Cambrian Road",
            "Ar neu gerllaw'r Ardal Siopa",
            "Ar neu gerllaw Stow Hill",
        ],
    }[lang]
    repeat = pd.DataFrame({"label": locations, "value": [212, 140, 96, 71, 54, 40]})
    categories = {
        "en": [
            "Violence and sexual offences",
            "Anti-social behaviour",
            "Shoplifting",
            "Criminal damage and arson",
            "Burglary",
            "Drugs",
            "Vehicle crime",
        ],
        "cy": [
            "Trais a throseddau rhywiol",
            "Ymddygiad gwrthgymdeithasol",
            "Dwyn o siopau",
            "Difrod troseddol a llosgi bwriadol",
            "Byrgleriaeth",
            "Cyffuriau",
            "Troseddau cerbydau",
        ],
    }[lang]
    matrix = pd.DataFrame(
        {
            "label": categories,
            "x": [9.1, 8.2, 5.5, 4.9, 3.1, 2.2, 2.8],
            "y": [8.8, 3.9, 5.2, 4.1, 6.5, 5.9, 2.4],
        }
    )
    neighbourhoods = lsoas(outline)
    source = OGL[lang]
    text = _texts(lang)

    figures = {
        "monthly": Figure(
            "monthly",
            "line",
            text["f_monthly"],
            text["alt_monthly"],
            monthly,
            spec={
                "series": [w["crimes"]],
                "limits": w["limit"],
                "y_label": w["crimes"],
                "x_label": w["month"],
                "alerts": ["2023-12", "2024-03"],
            },
            source=source,
        ),
        "season": Figure(
            "season",
            "seasonal",
            text["f_season"],
            text["alt_season"],
            season,
            spec={"y_label": text["avg_crimes"]},
            source=source,
        ),
        "funnel": Figure(
            "funnel",
            "funnel",
            text["f_funnel"],
            text["alt_funnel"],
            funnel,
            spec={
                "limits": [[w["l95"], w["u95"]], [w["l998"], w["u998"]]],
                "overall": overall,
                "x_label": w["population"],
                "y_label": w["rate"],
            },
            source=source,
        ),
        "repeat": Figure(
            "repeat",
            "bar",
            text["f_repeat"],
            text["alt_repeat"],
            repeat,
            spec={"x_label": w["count"]},
            source=source,
        ),
        "gistar": Figure(
            "gistar",
            "map",
            text["f_gistar"],
            text["alt_gistar"],
            pd.DataFrame(
                {
                    w["item"]: [text["hot_cells"], text["cold_cells"]],
                    w["rows"]: [
                        int((cells["class"] == "hot").sum()),
                        int((cells["class"] == "cold").sum()),
                    ],
                }
            ),
            spec={"style": "gistar"},
            geo=cells,
            boundary=outline,
            source=source,
        ),
        "density": Figure(
            "density",
            "map",
            text["f_density"],
            text["alt_density"],
            pd.DataFrame({w["item"]: [text["peak"]], w["rows"]: [round(cells["value"].max(), 1)]}),
            spec={"style": "density"},
            geo=cells,
            boundary=outline,
            source=source,
        ),
        "asb_map": Figure(
            "asb_map",
            "map",
            text["f_asb"],
            text["alt_asb"],
            pd.DataFrame({w["lsoa"]: neighbourhoods["code"], w["count"]: neighbourhoods["value"]}),
            spec={"style": "choropleth", "legend_title": text["asb_legend"]},
            geo=neighbourhoods,
            boundary=outline,
            source=source,
        ),
        "matrix": Figure(
            "matrix",
            "matrix",
            text["f_matrix"],
            text["alt_matrix"],
            matrix,
            spec={"x_label": w["volume"], "y_label": w["harm"]},
        ),
        "heatmap": Figure(
            "heatmap",
            "heatmap",
            text["f_matrix"],
            text["alt_matrix"],
            pd.DataFrame(
                {
                    "band": ["00-05", "06-11", "12-17", "18-23"],
                    "Mon": [3, 7, 12, 20],
                    "Sat": [5, 9, 15, 41],
                }
            ),
            spec={"rows": "band", "hidden": "*"},
        ),
    }
    change = Statement(
        "change",
        text["st_violence"],
        {"direction": "rise", "before": VIOLENCE[0], "after": VIOLENCE[1], "significant": True},
    )
    total = Statement("total", text["st_total"], {"total": TOTAL_CRIMES})
    summary = [total, change, Statement("asb", text["st_asb"]), Statement("hot", text["st_hot"])]
    sections = [
        Section(
            "area",
            w["s_area"],
            [text["p_area"]],
            figures=[figures["funnel"]],
            tables=[
                Table(
                    "population",
                    text["t_population"],
                    pd.DataFrame(
                        {
                            w["category"]: [text["residents"], text["lsoas"]],
                            w["score"]: [161000, 95],
                        }
                    ),
                )
            ],
        ),
        Section(
            "overall",
            w["s_overall"],
            [text["p_overall"]],
            statements=[total],
            figures=[figures["monthly"], figures["season"]],
        ),
        Section(
            "violence",
            w["s_violence"],
            [text["p_violence"]],
            statements=[change],
            figures=[figures["repeat"]],
            subsections=[
                Section(
                    "violence-where",
                    w["s_where"],
                    [text["p_where"]],
                    figures=[figures["gistar"], figures["density"]],
                )
            ],
        ),
        Section("asb", w["s_asb"], [text["p_asb"]], figures=[figures["asb_map"]]),
        Section(
            "matrix",
            w["s_matrix"],
            [text["p_matrix"]],
            figures=[figures["matrix"], figures["heatmap"]],
            tables=[
                Table(
                    "matrix",
                    w["s_matrix"],
                    matrix.rename(
                        columns={"label": w["category"], "x": w["volume"], "y": w["harm"]}
                    ),
                    note=text["matrix_note"],
                )
            ],
        ),
        Section(
            "quality",
            w["s_quality"],
            [text["p_quality"]],
            tables=[
                Table(
                    "rows",
                    text["t_rows"],
                    pd.DataFrame(
                        {
                            w["item"]: [text["loaded"], text["rejected"]],
                            w["rows"]: [TOTAL_CRIMES, 12],
                        }
                    ),
                )
            ],
        ),
    ]
    return Assessment(
        lang=lang,
        title=w["title"],
        subtitle=w["subtitle"],
        area_code="W06000022",
        area_name=w["area"],
        period_label=w["period"],
        comparison_label=w["comparison"],
        generated=dt.date(2024, 9, 2),
        summary=summary,
        sections=sections,
        attribution=[source],
        totals={"crimes": TOTAL_CRIMES},
    )


def _texts(lang: str) -> dict[str, str]:
    en = {
        "f_monthly": "Recorded crime by month",
        "alt_monthly": "Line chart of crimes each month from July 2021 to June 2024, "
        "between about 480 and 700 a month, highest each summer; two months are above the "
        "control limit.",
        "f_season": "Average crimes in each month of the year",
        "alt_season": "Bar chart: crime is highest from May to August and lowest in winter.",
        "avg_crimes": "Average crimes",
        "f_funnel": "Crime rates of Welsh councils against population",
        "alt_funnel": "Funnel plot: Newport's rate of 118 per 1,000 is above the 99.8% limit.",
        "f_repeat": "Locations with the most violent crimes",
        "alt_repeat": "Bar chart: Commercial Street has the most violent crimes (212).",
        "f_gistar": "Hot and cold spots of violence (Getis-Ord Gi*)",
        "alt_gistar": "Map: the hot spot is the city centre; cold spots are on the edges.",
        "hot_cells": "Hot spot cells",
        "cold_cells": "Cold spot cells",
        "f_density": "Density of violent crime",
        "alt_density": "Map: density is highest in the city centre, with a second peak to the west.",
        "peak": "Highest density (crimes per km²)",
        "f_asb": "Anti-social behaviour by neighbourhood",
        "alt_asb": "Map of anti-social behaviour incidents in each neighbourhood (LSOA).",
        "asb_legend": "Incidents",
        "f_matrix": "Priority matrix of crime categories",
        "alt_matrix": "Scatter chart: violence and sexual offences score highest on both axes.",
        "st_violence": "Violence and sexual offences rose 12% (2,310 to 2,587); this rise is "
        "unlikely to be chance.",
        "st_total": "There were 20,961 crimes in Newport from July 2023 to June 2024.",
        "st_asb": "Anti-social behaviour fell 8%; this fall could be chance.",
        "st_hot": "One hot spot, the city centre, holds a quarter of violent crime.",
        "p_area": "Newport has 161,000 residents in 95 neighbourhoods (LSOAs).",
        "p_overall": "Recorded crime has been steady, with a peak each summer.",
        "p_violence": "Violence and sexual offences are the largest category.",
        "p_where": "Violence is concentrated in the city centre.",
        "p_asb": "Anti-social behaviour is spread more widely than violence.",
        "p_matrix": "Categories are ranked by volume, harm, trend and concentration.",
        "matrix_note": "Scores run from 0 to 10; see the methods section.",
        "p_quality": "Twelve rows were rejected because their month was missing.",
        "t_population": "Population",
        "residents": "Residents",
        "lsoas": "Neighbourhoods (LSOAs)",
        "t_rows": "Rows loaded and rejected",
        "loaded": "Loaded",
        "rejected": "Rejected",
    }
    if lang == "en":
        return en
    cy = {
        "f_monthly": "Troseddau a gofnodwyd bob mis",
        "alt_monthly": "Siart linell o droseddau bob mis o Orffennaf 2021 i Fehefin 2024, rhwng "
        "tua 480 a 700 y mis, ar eu huchaf bob haf; mae dau fis uwchlaw'r terfyn rheoli.",
        "f_season": "Cyfartaledd troseddau ym mhob mis o'r flwyddyn",
        "alt_season": "Siart bar: mae troseddu ar ei uchaf o fis Mai i fis Awst ac ar ei isaf "
        "yn y gaeaf.",
        "avg_crimes": "Cyfartaledd troseddau",
        "f_funnel": "Cyfraddau troseddu cynghorau Cymru yn ôl poblogaeth",
        "alt_funnel": "Plot twndis: mae cyfradd Casnewydd, 118 fesul 1,000, uwchlaw'r terfyn "
        "99.8%.",
        "f_repeat": "Y lleoliadau â'r nifer fwyaf o droseddau trais",
        "alt_repeat": "Siart bar: Commercial Street sydd â'r nifer fwyaf o droseddau trais (212).",
        "f_gistar": "Mannau poeth ac oer trais (Getis-Ord Gi*)",
        "alt_gistar": "Map: canol y ddinas yw'r man poeth; mae'r mannau oer ar yr ymylon.",
        "hot_cells": "Celloedd mannau poeth",
        "cold_cells": "Celloedd mannau oer",
        "f_density": "Dwysedd troseddau trais",
        "alt_density": "Map: mae'r dwysedd ar ei uchaf yng nghanol y ddinas, gydag ail uchafbwynt "
        "i'r gorllewin.",
        "peak": "Dwysedd uchaf (troseddau fesul km²)",
        "f_asb": "Ymddygiad gwrthgymdeithasol fesul cymdogaeth",
        "alt_asb": "Map o ddigwyddiadau ymddygiad gwrthgymdeithasol ym mhob cymdogaeth (ACEHI).",
        "asb_legend": "Digwyddiadau",
        "f_matrix": "Matrics blaenoriaethau'r categorïau troseddu",
        "alt_matrix": "Siart gwasgariad: trais a throseddau rhywiol sy'n sgorio uchaf ar y ddwy "
        "echelin.",
        "st_violence": "Cynyddodd trais a throseddau rhywiol 12% (o 2,310 i 2,587); mae'n "
        "annhebygol mai siawns sy'n gyfrifol am y cynnydd hwn.",
        "st_total": "Cofnodwyd 20,961 o droseddau yng Nghasnewydd rhwng Gorffennaf 2023 a "
        "Mehefin 2024.",
        "st_asb": "Gostyngodd ymddygiad gwrthgymdeithasol 8%; gallai'r gostyngiad hwn fod yn "
        "siawns.",
        "st_hot": "Mae un man poeth, canol y ddinas, yn cyfrif am chwarter y troseddau trais.",
        "p_area": "Mae gan Gasnewydd 161,000 o breswylwyr mewn 95 o gymdogaethau (ACEHI).",
        "p_overall": "Mae nifer y troseddau a gofnodwyd wedi bod yn gyson, gydag uchafbwynt "
        "bob haf.",
        "p_violence": "Trais a throseddau rhywiol yw'r categori mwyaf.",
        "p_where": "Mae trais wedi'i grynhoi yng nghanol y ddinas.",
        "p_asb": "Mae ymddygiad gwrthgymdeithasol wedi'i wasgaru'n ehangach na thrais.",
        "p_matrix": "Caiff y categorïau eu rhestru yn ôl nifer, niwed, tuedd a chrynhoad.",
        "matrix_note": "Mae'r sgoriau rhwng 0 a 10; gweler yr adran ar ddulliau.",
        "p_quality": "Gwrthodwyd deuddeg rhes am nad oedd mis wedi'i nodi.",
        "t_population": "Poblogaeth",
        "residents": "Preswylwyr",
        "lsoas": "Cymdogaethau (ACEHI)",
        "t_rows": "Rhesi a lwythwyd ac a wrthodwyd",
        "loaded": "Wedi'u llwytho",
        "rejected": "Wedi'u gwrthod",
    }
    return cy


if __name__ == "__main__":  # render the sample for people to look at
    from diogel.reports import render_all

    out = Path(sys.argv[1] if len(sys.argv) > 1 else "test-artifacts")
    out.mkdir(parents=True, exist_ok=True)
    for language in ("en", "cy"):
        assessment = sample_assessment(language, cell=200.0)
        names = [
            out / f"sample-assessment-{language}{s}" for s in (".html", ".pdf", ".xlsx", ".csv")
        ]
        for path in render_all(assessment, names):
            print(path)
