"""The deal vocabulary, defined once and imported by every package that names these things.

It sits below everything (store, crawler, extract, graph, ops) and imports nothing of theirs.
"""

KINDS = ("compute", "chips", "investment", "datacenter", "power", "acquisition", "other")
KIND_MEANINGS = {
    "compute": "capacity, cloud, GPU rental, colocation or a site lease",
    "chips": "purchase or supply of accelerators",
    "investment": "equity, funding, debt or a backstop",
    "datacenter": "building or co-developing facilities, or a venture to build them",
    "power": "electricity supply or a power purchase agreement",
    "acquisition": "buying a company or a campus",
    "other": "other equipment, such as turbines",
}
STATUSES = ("announced", "planned", "reported")
CURATION_MARKS = ("confirmed", "rejected")
STATUS_RANK = {"announced": 3, "planned": 2, "reported": 1}  # the firmer wins

ROLES = (
    "buyer",
    "provider",
    "chip_supplier",
    "power_supplier",
    "investor",
    "investee",
    "target",
    "seller",
    "builder",
    "operator",
)
OPERATOR_ROLES = ("builder", "operator")  # a party with one of these runs the facility

FIGURES = ("gpu_count", "power_mw", "value_usd")
UNITS = {"gpu_count": "accelerators", "power_mw": "MW", "value_usd": "USD"}

#: The fields of one extracted deal (the gold schema's, plus roles).
DEAL_FIELDS = (
    "headline",
    "parties",
    "kind",
    "gpu_count",
    "chip",
    "power_mw",
    "value_usd",
    "facility",
    "location",
    "status",
    "roles",
)
#: The columns of a deal as queries and exports show it.
DEAL_COLUMNS = (
    "id",
    "parties",
    "kind",
    "status",
    "headline",
    "gpu_count",
    "chip",
    "power_mw",
    "value_usd",
    "facility",
    "location",
    "first_reported",
    "last_reported",
    "reports",
    "conflicted",
    "curation",
    "confidence",
)
