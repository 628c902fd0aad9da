"""The canonical words partner data is mapped to: themes, agencies and attribute values."""

from __future__ import annotations

from typing import Final

#: Canonical themes a partner's categories are mapped to, with the police.uk category
#: each one is compared with when partner and police data are put side by side.
THEMES: Final[dict[str, str | None]] = {
    "violence": "Violence and sexual offences",
    "domestic-abuse": "Violence and sexual offences",
    "anti-social-behaviour": "Anti-social behaviour",
    "deliberate-fire": "Criminal damage and arson",
    "criminal-damage": "Criminal damage and arson",
    "drugs": "Drugs",
    "public-order": "Public order",
    "weapons": "Possession of weapons",
    "other": None,
}

#: police.uk categories compared with A&E assaults ("Violent crime" is the pre-2013 name).
POLICE_VIOLENCE: Final[tuple[str, ...]] = ("Violence and sexual offences", "Violent crime")

#: Kinds of agency that share data.
AGENCIES: Final[tuple[str, ...]] = (
    "health",
    "council",
    "fire",
    "police",
    "housing",
    "education",
    "probation",
    "other",
)

#: Primary means of assault (ISTV, ISB 1594), in the order reports show them.
WEAPONS: Final[tuple[str, ...]] = (
    "body-part",
    "blunt-object",
    "glass-or-bottle",
    "knife-or-sharp-object",
    "firearm",
    "other",
    "not-known",
)

#: Where an incident happened (ISTV location type; also used by other partners).
LOCATION_TYPES: Final[tuple[str, ...]] = (
    "street-or-public-place",
    "licensed-premises",
    "home",
    "workplace",
    "school-or-college",
    "public-transport",
    "other",
    "not-known",
)

#: What burned (fire and rescue deliberate fires, after the Home Office IRS groups).
PROPERTY_TYPES: Final[tuple[str, ...]] = (
    "dwelling",
    "other-building",
    "road-vehicle",
    "outdoor-refuse",
    "grassland-or-woodland",
    "outdoor-structure",
    "other",
)

#: Attributes a mapping may read, and the values each one allows (None: free text).
ATTRIBUTES: Final[dict[str, tuple[str, ...] | None]] = {
    "weapon": WEAPONS,
    "location_type": LOCATION_TYPES,
    "property_type": PROPERTY_TYPES,
    "site": None,
    "repeat": ("yes", "no"),
}

#: Generic location types data.police.uk publishes instead of a street name ("On or near
#: Parking Area"). They name a kind of place found all over an area, not one place, so
#: they never enter a gazetteer.
POLICE_UK_GENERIC_PLACES: Final[frozenset[str]] = frozenset(
    {
        "airport/airfield",
        "bus/coach station",
        "conference/exhibition centre",
        "ferry terminal",
        "further/higher educational building",
        "hospital",
        "hotel/motel",
        "nightclub",
        "park/open space",
        "parking area",
        "pedestrian subway",
        "petrol station",
        "police station",
        "prison",
        "shopping area",
        "sports/recreation area",
        "supermarket",
        "theatre/concert hall",
        "train station",
    }
)
