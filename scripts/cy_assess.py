"""Welsh translations of the assessment's messages (source for assess.po).

Run ``python scripts/cy_assess.py`` to rewrite ``src/diogel/locale/cy/LC_MESSAGES/assess.po``
from this table; tests fail if any message the assessment uses is missing.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

CY = {
    "{start} to {end}": "{start} i {end_soft}",
    "Priority categories": "Categorïau blaenoriaeth",
    "The four categories ranked highest in the priority matrix.": "Y pedwar categori a gafodd y sgôr uchaf yn y matrics blaenoriaethau.",
    "Community safety strategic assessment": "Asesiad strategol diogelwch cymunedol",
    "{area}, {period}": "{area}, {period}",
    "Summary": "Crynodeb",
    "Incidents": "Digwyddiadau",
    "12-month average": "Cyfartaledd 12 mis",
    "Line chart of incidents per month from {first} to {last}, with the 12-month average.": "Siart linell o ddigwyddiadau bob mis o {first_soft} i {last_soft}, gyda'r "
    "cyfartaledd 12 mis.",
    "Months above the expected range: {months}.": "Misoedd uwchlaw'r ystod ddisgwyliedig: {months}.",
    "Incidents per month": "Digwyddiadau bob mis",
    "Hot spot": "Man problemus",
    "Cold spot": "Man tawel",
    "Not significant": "Dim arwyddocâd",
    "Busiest location in the cell": "Lleoliad prysuraf y gell",
    "Gi* z-score": "Sgôr z Gi*",
    "Map of {cells} grid cells of 250 m: {hot} are hot spots, where incidents cluster more "
    "than chance allows (Getis-Ord Gi*, false discovery rate 5%). The table lists the ten "
    "strongest.": "Map o {cells} o gelloedd grid 250 m: mae {hot} ohonynt yn fannau problemus, lle mae "
    "digwyddiadau'n clystyru'n fwy nag y byddai siawns yn ei ganiatáu (Getis-Ord Gi*, "
    "cyfradd darganfod ffug 5%). Mae'r tabl yn rhestru'r deg cryfaf.",
    "Rank": "Safle",
    "Location (as published)": "Lleoliad (fel y'i cyhoeddwyd)",
    "LSOA": "ACEHI",
    "Months with an incident": "Misoedd â digwyddiad",
    "police.uk places each crime at the nearest of a set of anonymous map points.": "Mae police.uk yn gosod pob trosedd ar yr agosaf o set o bwyntiau map dienw.",
    "high volume ({share} of crime)": "nifer uchel ({share} o'r troseddau)",
    "high harm ({share} of harm)": "niwed uchel ({share} o'r niwed)",
    "rising ({pct}, unlikely to be chance)": "yn cynyddu ({pct}, annhebygol o fod yn siawns)",
    "rising ({pct}, could be chance)": "yn cynyddu ({pct}, gallai fod yn siawns)",
    "falling": "yn gostwng",
    "concentrated ({share} in the busiest tenth of neighbourhoods)": "wedi'i grynhoi ({share} yn y degfed prysuraf o gymdogaethau)",
    "lower on every measure": "is ar bob mesur",
    "Category": "Categori",
    "Crimes": "Troseddau",
    "Volume": "Nifer",
    "Harm": "Niwed",
    "Trend": "Tuedd",
    "Concentration": "Crynhoad",
    "Score": "Sgôr",
    "Why": "Pam",
    "Priority matrix: share of crime against share of harm": "Matrics blaenoriaethau: cyfran y troseddau yn erbyn cyfran y niwed",
    "Scatter chart placing each crime category by its share of recorded crime (across) and "
    "its share of harm (up); the table ranks them.": "Siart wasgariad sy'n gosod pob categori trosedd yn ôl ei gyfran o'r troseddau a "
    "gofnodwyd (ar draws) a'i gyfran o'r niwed (i fyny); mae'r tabl yn eu rhestru yn ôl "
    "eu safle.",
    "Share of recorded crime (%)": "Cyfran y troseddau a gofnodwyd (%)",
    "Share of harm (%)": "Cyfran y niwed (%)",
    "Each crime category is scored from 1 to 4 on volume, harm (Crime Severity Score), trend "
    "and concentration, and the scores are added; the method is described under Data and "
    "methods. Anti-social behaviour is covered in its own section.": "Rhoddir sgôr o 1 i 4 i bob categori trosedd am nifer, niwed (Sgôr Difrifoldeb "
    "Troseddau), tuedd a chrynhoad, ac adio'r sgorau; disgrifir y dull o dan Data a "
    "dulliau. Ymdrinnir ag ymddygiad gwrthgymdeithasol yn ei adran ei hun.",
    "Priority matrix": "Matrics blaenoriaethau",
    "Categories ranked": "Y categorïau yn ôl eu safle",
    "This assessment uses {files} data.police.uk street-level files: {rows} rows were read, "
    "{stored} stored and {rejected} rejected (each rejected row is listed with its reason by "
    "'diogel rejects').": "Mae'r asesiad hwn yn defnyddio {files} o ffeiliau lefel stryd data.police.uk: "
    "darllenwyd {rows} o resi, cadwyd {stored} a gwrthodwyd {rejected} (mae 'diogel "
    "rejects' yn rhestru pob rhes a wrthodwyd a'r rheswm).",
    "{n} of the force's {total} records for the period ({share}) had no location and cannot "
    "be placed in any council; they are not counted here.": "Nid oedd lleoliad gan {n} o'r {total} o gofnodion a oedd gan yr heddlu ar gyfer y "
    "cyfnod ({share}), felly ni ellir eu gosod mewn unrhyw gyngor; nid ydynt wedi'u "
    "cyfrif yma.",
    "Neighbourhood boundaries changed in 2021. {n} records published with 2011 codes were "
    "moved to 2021 neighbourhoods with the ONS lookup (split areas by the crime's map point); "
    "{guessed} could only be assigned to the largest successor.": "Newidiodd ffiniau'r cymdogaethau yn 2021. Symudwyd {n} o gofnodion a gyhoeddwyd â "
    "chodau 2011 i gymdogaethau 2021 gyda thabl cyfatebiaeth SYG (ardaloedd a rannwyd yn "
    "ôl pwynt map y drosedd); dim ond i'r olynydd mwyaf y gellid neilltuo {guessed}.",
    "No data was loaded for {months}; these months are left out of comparisons.": "Ni lwythwyd data ar gyfer {months}; mae'r misoedd hyn wedi'u hepgor o'r cymariaethau.",
    "These months look incomplete (far fewer records than the months either side) and are "
    "left out of the tests of change: {months}.": "Mae'n ymddangos bod y misoedd hyn yn anghyflawn (llawer llai o gofnodion na'r misoedd "
    "o boptu iddynt) ac maent wedi'u hepgor o'r profion newid: {months}.",
    "Recorded {category} changed {ratio}-fold between the comparison period and this one. A "
    "change this large usually reflects how crimes were recorded or published rather than "
    "crime itself; check with the force before drawing conclusions.": "Newidiodd nifer yr achosion a gofnodwyd o {category_soft} {ratio} gwaith rhwng y cyfnod "
    "cymharu a'r cyfnod hwn. Fel arfer mae newid mor fawr yn adlewyrchu sut y cofnodwyd "
    "neu y cyhoeddwyd troseddau yn hytrach na'r troseddu ei hun; holwch yr heddlu cyn dod "
    "i gasgliadau.",
    "The period or its comparison includes months of the COVID-19 pandemic (March 2020 to "
    "December 2021), when restrictions changed how much crime happened and was reported; "
    "read changes across those months with care.": "Mae'r cyfnod neu'r cyfnod cymharu yn cynnwys misoedd pandemig COVID-19 (Mawrth 2020 i "
    "Rhagfyr 2021), pan newidiodd y cyfyngiadau faint o droseddu a ddigwyddodd ac a "
    "adroddwyd; dylid dehongli newidiadau dros y misoedd hynny yn ofalus.",
    "Files loaded": "Ffeiliau a lwythwyd",
    "File": "Ffeil",
    "Rows": "Rhesi",
    "Stored": "Wedi'u cadw",
    "Rejected": "Wedi'u gwrthod",
    "Data and methods": "Data a dulliau",
    "Changes compare the monthly rate of recorded crime in the period with the comparison "
    "period by an exact test of two Poisson rates (the conditional binomial test); a change is "
    "called unlikely to be chance when p < 0.05.": "Mae'r newidiadau'n cymharu cyfradd fisol y troseddau a gofnodwyd yn y cyfnod â'r "
    "cyfnod cymharu drwy brawf union o ddwy gyfradd Poisson (y prawf binomaidd amodol); "
    "dywedir bod newid yn annhebygol o fod yn siawns pan fo p < 0.05.",
    "Months above the expected range are found with a control chart: each month is compared "
    "with a seasonal Poisson model of the 36 months before it, allowing for extra variation; "
    "the limit is the 99.8% point.": "Canfyddir misoedd uwchlaw'r ystod ddisgwyliedig â siart reoli: cymherir pob mis â "
    "model Poisson tymhorol o'r 36 mis cyn hynny, gan ganiatáu ar gyfer amrywiad "
    "ychwanegol; y terfyn yw'r pwynt 99.8%.",
    "Hot spots are grid cells of 250 m where incidents cluster more than chance allows: the "
    "Getis-Ord Gi* statistic over each cell and the eight around it, with the "
    "Benjamini-Hochberg correction for testing many cells (false discovery rate 5%).": "Mannau problemus yw celloedd grid 250 m lle mae digwyddiadau'n clystyru'n fwy nag y "
    "byddai siawns yn ei ganiatáu: ystadegyn Getis-Ord Gi* dros bob cell a'r wyth o'i "
    "chwmpas, gyda chywiriad Benjamini-Hochberg ar gyfer profi llawer o gelloedd "
    "(cyfradd darganfod ffug 5%).",
    "Rates are per 1,000 residents using ONS mid-2022 population estimates, with exact Poisson "
    "95% intervals; councils are compared on a funnel plot with 95% and 99.8% limits.": "Mae'r cyfraddau fesul 1,000 o drigolion, gan ddefnyddio amcangyfrifon poblogaeth "
    "canol 2022 SYG, gyda chyfyngau Poisson union 95%; cymherir cynghorau ar blot twndis "
    "â therfynau 95% a 99.8%.",
    "Harm weights each crime by the ONS Crime Severity Score for its police.uk category (the "
    "median weight of the offences in that category); anti-social behaviour has no weight.": "Mae'r niwed yn pwysoli pob trosedd yn ôl Sgôr Difrifoldeb Troseddau SYG ar gyfer ei "
    "chategori police.uk (pwysiad canolrifol y troseddau yn y categori hwnnw); nid oes "
    "pwysiad i ymddygiad gwrthgymdeithasol.",
    "Deprivation is the Welsh Index of Multiple Deprivation 2019, carried to 2021 "
    "neighbourhoods.": "Amddifadedd yw Mynegai Amddifadedd Lluosog Cymru 2019, wedi'i drosglwyddo i "
    "gymdogaethau 2021.",
    "The comparison period is the same months one year earlier, so that seasonal patterns do "
    "not distort the change.": "Y cyfnod cymharu yw'r un misoedd flwyddyn ynghynt, fel nad yw patrymau tymhorol yn "
    "ystumio'r newid.",
    "{area} has {population} residents (ONS mid-2022 estimate) in {lsoas} neighbourhoods "
    "(Lower-layer Super Output Areas).": "Mae gan {area_soft} {population} o drigolion (amcangyfrif canol 2022 SYG) mewn {lsoas} o "
    "gymdogaethau (Ardaloedd Cynnyrch Ehangach Haen Is).",
    "{share} of residents live in the most deprived tenth of Welsh neighbourhoods (WIMD 2019 "
    "decile 1); over the period the crime rate there was {rate} per 1,000 residents, {ratio} "
    "times the rate across the area.": "Mae {share} o'r trigolion yn byw yn y degfed mwyaf difreintiedig o gymdogaethau "
    "Cymru (degradd 1 MALlC 2019); dros y cyfnod y gyfradd troseddu yno oedd {rate} fesul "
    "1,000 o drigolion, {ratio} gwaith y gyfradd ar draws yr ardal.",
    "Crime rate by deprivation decile": "Cyfradd troseddu yn ôl degradd amddifadedd",
    "Bar chart of crimes per 1,000 residents in each WIMD decile, from 1 (most deprived) to 10 "
    "(least deprived).": "Siart bar o droseddau fesul 1,000 o drigolion ym mhob degradd MALlC, o 1 (mwyaf "
    "difreintiedig) i 10 (lleiaf difreintiedig).",
    "Decile {n}": "Degradd {n}",
    "Residents": "Trigolion",
    "Lower 95% limit": "Terfyn isaf 95%",
    "Upper 95% limit": "Terfyn uchaf 95%",
    "Crimes per 1,000 residents": "Troseddau fesul 1,000 o drigolion",
    "Rate": "Cyfradd",
    "Deprivation decile": "Degradd amddifadedd",
    "within the expected range": "o fewn yr ystod ddisgwyliedig",
    "above the {level} limit": "uwchlaw'r terfyn {level}",
    "below the {level} limit": "islaw'r terfyn {level}",
    "Compared with the others": "O'i gymharu â'r lleill",
    "Across the {n} Welsh councils with data for this period the rate was {overall} crimes per "
    "1,000 residents; {area} had {rate}, {position}.": "Ar draws y {n} o gynghorau yng Nghymru sydd â data ar gyfer y cyfnod hwn, y gyfradd "
    "oedd {overall} o droseddau fesul 1,000 o drigolion; roedd gan {area_soft} gyfradd o "
    "{rate}, {position}.",
    "Crime rates of Welsh councils: funnel plot": "Cyfraddau troseddu cynghorau Cymru: plot twndis",
    "Funnel plot of crimes per 1,000 residents against population for {n} councils, with 95% "
    "and 99.8% limits around the overall rate; the table gives each council's rate and "
    "position.": "Plot twndis o droseddau fesul 1,000 o drigolion yn erbyn poblogaeth ar gyfer {n} o "
    "gynghorau, gyda therfynau 95% a 99.8% o amgylch y gyfradd gyffredinol; mae'r tabl yn "
    "rhoi cyfradd a safle pob cyngor.",
    "The area": "Yr ardal",
    "{total} crimes and incidents of anti-social behaviour were recorded in {area} in "
    "{months} months.": "Cofnodwyd {total} o droseddau a digwyddiadau o ymddygiad gwrthgymdeithasol {in_area} "
    "mewn {months} mis.",
    "All recorded crime and ASB": "Yr holl droseddau ac ymddygiad gwrthgymdeithasol a gofnodwyd",
    "{month} was above the expected range: {count} incidents against about {expected} "
    "expected.": "Roedd {month} uwchlaw'r ystod ddisgwyliedig: {count} o ddigwyddiadau o'i gymharu â "
    "thua {expected} a ddisgwylid.",
    "Seasonal pattern: average incidents in each calendar month": "Patrwm tymhorol: nifer cyfartalog y digwyddiadau ym mhob mis calendr",
    "Bar chart of the average number of incidents in each calendar month over the months "
    "loaded; busiest month {busy}, quietest {quiet}.": "Siart bar o nifer cyfartalog y digwyddiadau ym mhob mis calendr dros y misoedd a "
    "lwythwyd; y mis prysuraf yw {busy}, a'r tawelaf yw {quiet}.",
    "Average incidents": "Digwyddiadau ar gyfartaledd",
    "Overall picture": "Y darlun cyffredinol",
    "Latest outcomes": "Y canlyniadau diweddaraf",
    "Outcome": "Canlyniad",
    "Share": "Cyfran",
    "Outcomes as last published; recent crimes are often still under investigation.": "Canlyniadau fel y'u cyhoeddwyd ddiwethaf; mae troseddau diweddar yn aml yn dal i "
    "gael eu hymchwilio.",
    "A change this large usually reflects how crimes were recorded or published; see Data and "
    "methods.": "Fel arfer mae newid mor fawr yn adlewyrchu sut y cofnodwyd neu y cyhoeddwyd "
    "troseddau; gweler Data a dulliau.",
    "Weighted by the Crime Severity Score, these crimes carry a harm of {harm} (severity "
    "weight {weight} per crime).": "O'u pwysoli yn ôl y Sgôr Difrifoldeb Troseddau, mae niwed o {harm} i'r troseddau hyn "
    "(pwysiad difrifoldeb o {weight} am bob trosedd).",
    "Hot spots": "Mannau problemus",
    "Top repeat locations": "Y lleoliadau mwyaf cyson",
    "Serious violence": "Trais difrifol",
    "For the Serious Violence Duty this section takes violence and sexual offences, robbery "
    "and possession of weapons together. police.uk publishes the month of each crime but not "
    "the day or time: partner data such as A&E attendances is needed to see when violence "
    "happens.": "At ddibenion y Ddyletswydd Trais Difrifol, mae'r adran hon yn ystyried trais a "
    "throseddau rhywiol, lladrata a meddu ar arfau gyda'i gilydd. Mae police.uk yn "
    "cyhoeddi mis pob trosedd ond nid y diwrnod na'r amser: mae angen data partneriaid, "
    "megis ymweliadau ag adrannau brys, i weld pryd mae trais yn digwydd.",
    "Serious violence by type": "Trais difrifol yn ôl math",
    "Serious violence per month": "Trais difrifol bob mis",
    "Serious violence hot spots": "Mannau problemus trais difrifol",
    "Of the {now} hot-spot cells in this period, {persistent} were also hot in the comparison "
    "period (persistent) and {new} are new; {gone} cells that were hot then are not now.": "O'r {now} o gelloedd problemus yn y cyfnod hwn, roedd {persistent} hefyd yn "
    "broblemus yn y cyfnod cymharu (parhaus) ac mae {new} yn newydd; nid yw {gone} o "
    "gelloedd a oedd yn broblemus bryd hynny yn broblemus bellach.",
    "Neighbourhoods with the most serious violence": "Y cymdogaethau â'r mwyaf o drais difrifol",
    "Name": "Enw",
    "{total} incidents of anti-social behaviour were recorded, {share} of all incidents. ASB "
    "is not a notifiable crime and has no severity weight.": "Cofnodwyd {total} o ddigwyddiadau o ymddygiad gwrthgymdeithasol, {share} o'r holl "
    "ddigwyddiadau. Nid yw ymddygiad gwrthgymdeithasol yn drosedd hysbysadwy ac nid oes "
    "pwysiad difrifoldeb iddo.",
    "Anti-social behaviour per month": "Ymddygiad gwrthgymdeithasol bob mis",
    "Anti-social behaviour hot spots": "Mannau problemus ymddygiad gwrthgymdeithasol",
    "Anti-social behaviour": "Ymddygiad gwrthgymdeithasol",
    "{subject} was unchanged ({before} in each period).": "Ni newidiodd {subject} ({before} ym mhob cyfnod).",
    "{subject} rose from none to {after}.": "Cynyddodd {subject} o ddim i {after}.",
    "{subject} rose {pct} ({before} to {after}); this rise is unlikely to be chance.": "Cynyddodd {subject} {pct} (o {before} i {after}); mae'n annhebygol mai siawns sy'n "
    "gyfrifol am y cynnydd hwn.",
    "{subject} rose {pct} ({before} to {after}); this rise could be chance.": "Cynyddodd {subject} {pct} (o {before} i {after}); gallai'r cynnydd hwn fod yn "
    "ganlyniad i siawns.",
    "{subject} fell {pct} ({before} to {after}); this fall is unlikely to be chance.": "Gostyngodd {subject} {pct} (o {before} i {after}); mae'n annhebygol mai siawns sy'n "
    "gyfrifol am y gostyngiad hwn.",
    "{subject} fell {pct} ({before} to {after}); this fall could be chance.": "Gostyngodd {subject} {pct} (o {before} i {after}); gallai'r gostyngiad hwn fod yn "
    "ganlyniad i siawns.",
    "Density": "Dwysedd",
    "Incidents in the cell": "Digwyddiadau yn y gell",
    "Density (incidents per km²)": "Dwysedd (digwyddiadau fesul km²)",
    "Incidents per km²": "Digwyddiadau fesul km²",
    "Map of the density of incidents (quartic kernel, radius {radius} m) on 250 m cells; "
    "darker cells have more incidents nearby. The table lists the ten densest cells.": "Map o ddwysedd y digwyddiadau (cnewyllyn cwartig, radiws {radius} m) ar gelloedd "
    "250 m; mae mwy o ddigwyddiadau gerllaw i'r celloedd tywyllach. Mae'r tabl yn rhestru'r "
    "deg cell ddwysaf.",
    "Hot spots over time compares each 250 m cell's Gi* in every quarter (or month, for short "
    "periods) of the comparison period and this period (emerging hot spot analysis with a "
    "Mann-Kendall trend test); the table counts the cells in each class.": "Mae mannau problemus dros amser yn cymharu Gi* pob cell 250 m ym mhob chwarter (neu "
    "fis, ar gyfer cyfnodau byr) o'r cyfnod cymharu a'r cyfnod hwn (dadansoddiad o fannau "
    "problemus sy'n dod i'r amlwg, gyda phrawf tuedd Mann-Kendall); mae'r tabl yn cyfrif y "
    "celloedd ym mhob dosbarth.",
    "Persistent: hot in nearly every quarter": "Parhaus: problemus ym mron pob chwarter",
    "Emerging: hot in the latest quarters, or rising": "Yn dod i'r amlwg: problemus yn y chwarteri diweddaraf, neu'n cynyddu",
    "New: hot in the latest quarter only": "Newydd: problemus yn y chwarter diweddaraf yn unig",
    "Intermittent: hot now, and on and off before": "Ysbeidiol: problemus nawr, ac o bryd i'w gilydd cyn hynny",
    "Diminishing: long hot, now cooling": "Yn lleihau: problemus ers tro, ond yn tawelu",
    "Sporadic: hot at times, not now": "Achlysurol: problemus weithiau, ond nid nawr",
    "Serious violence hot spots over time": "Mannau problemus trais difrifol dros amser",
    "Class": "Dosbarth",
    "Cells": "Celloedd",
    # outcome groups (words.OUTCOME_GROUP_ORDER)
    "Charged or summonsed": "Cyhuddwyd neu wyswyd",
    "Dealt with out of court": "Ymdriniwyd â'r achos y tu allan i'r llys",
    "Passed to another organisation": "Trosglwyddwyd i sefydliad arall",
    "Evidential difficulties": "Anawsterau tystiolaeth",
    "No suspect identified": "Ni nodwyd unrhyw un a amheuir",
    "Not in the public interest": "Nid er budd y cyhoedd",
    "Under investigation": "Yn cael ei ymchwilio",
    "Other or unknown": "Arall neu anhysbys",
    # map attribution (figures.OGL, figures.OS)
    "Contains public sector information licensed under the Open Government Licence v3.0.": "Yn cynnwys gwybodaeth sector cyhoeddus a drwyddedir o dan y Drwydded Llywodraeth "
    "Agored v3.0.",
    "Contains OS data © Crown copyright and database right.": "Yn cynnwys data'r Arolwg Ordnans © Hawlfraint y Goron a hawliau cronfa ddata.",
    # the demo and CLI
    "{area} ({code}), {period}": "{area} ({code}), {period}",
}

TARGET = Path(__file__).resolve().parents[1] / "src/diogel/locale/cy/LC_MESSAGES/assess.po"


def main() -> None:
    catalog = Catalog(locale="cy", project="Diogel", domain="assess")
    for english, welsh in CY.items():
        catalog.add(english, welsh)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=True)
    print(f"wrote {len(CY)} messages to {TARGET}")


if __name__ == "__main__":
    main()
