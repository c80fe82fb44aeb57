"""Finding the company, chip, facility or deal a user named, or suggesting what they meant.

The lookups live with the projection (store/projections/lookup.py) so that the curation
writers in ops/ resolve names and ids exactly as the read commands do.
"""

from store.projections.deal_merging import name_key
from store.projections.lookup import (
    DealGone,
    FoundDeal,
    UnknownName,
    company_key,
    company_name,
    deal_column_value,
    deal_id,
    find_deal,
    suggest,
)

__all__ = [
    "DealGone",
    "FoundDeal",
    "UnknownName",
    "company_key",
    "company_name",
    "deal_column_value",
    "deal_id",
    "find_deal",
    "name_key",
    "suggest",
]
