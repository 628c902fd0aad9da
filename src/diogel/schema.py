"""Canonical columns and vocabularies shared by every part of Diogel."""

from __future__ import annotations

from typing import Final

#: Crime types as published by data.police.uk in the ``Crime type`` column. The last two
#: were retired in 2013 but still appear in old downloads.
POLICE_UK_CATEGORIES: Final[tuple[str, ...]] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
    "Violent crime",
    "Public disorder and weapons",
)

ASB_CATEGORY: Final = "Anti-social behaviour"

#: Categories that make up serious violence for the Serious Violence Duty section.
SERIOUS_VIOLENCE_CATEGORIES: Final[tuple[str, ...]] = (
    "Violence and sexual offences",
    "Robbery",
    "Possession of weapons",
)

#: The canonical incident schema: one row per recorded crime or incident, whatever its
#: source. Coordinates in analysis are British National Grid (EPSG:27700) metres.
INCIDENT_COLUMNS: Final[dict[str, str]] = {
    "incident_id": "stable identifier (source record id, or a hash when none is published)",
    "source": "where the row came from, e.g. 'police-uk-street'",
    "crime_id": "the publisher's record identifier (police.uk Crime ID); empty for ASB",
    "force": "police force slug, e.g. 'gwent'",
    "month": "first day of the month the incident was recorded in",
    "category": "police.uk crime type (or a partner's category mapped to one)",
    "location": "location text as published, e.g. 'On or near Pant-Y-Glan'",
    "lon": "WGS84 longitude",
    "lat": "WGS84 latitude",
    "x": "British National Grid easting, metres",
    "y": "British National Grid northing, metres",
    "has_location": "whether the row carries coordinates",
    "lsoa_code": "LSOA 2021 code after harmonisation",
    "lsoa_code_published": "LSOA code as published (2011 or 2021)",
    "council_code": "local authority (council) code, W06... in Wales",
    "outcome": "last outcome category",
    "outcome_month": "month of the last outcome, when an outcomes file gave it",
    "context": "free-text context as published",
    "file_id": "provenance: the loaded file this row came from",
}

#: Bounding box of Great Britain and its islands in WGS84, used to reject impossible
#: coordinates (Scilly to Shetland, with a small margin).
GB_LON_RANGE: Final = (-8.75, 2.0)
GB_LAT_RANGE: Final = (49.8, 60.95)

#: British National Grid.
BNG_EPSG: Final = 27700
WGS84_EPSG: Final = 4326
