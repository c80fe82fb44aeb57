"""The canned queries on the database page: the questions people ask first."""

_DEAL = (
    "d.id AS deal_id, d.parties, d.kind, d.status, d.gpu_count, d.power_mw, d.value_usd,"
    " d.facility, d.first_reported"
)

QUERIES = {
    "biggest_deals": {
        "title": "Biggest deals",
        "description": "Deals by stated value, then power, then accelerators (rejected deals"
        " left out).",
        "sql": f"SELECT {_DEAL} FROM deals d WHERE d.curation IS NOT 'rejected'"
        " ORDER BY COALESCE(d.value_usd, 0) DESC, COALESCE(d.power_mw, 0) DESC,"
        " COALESCE(d.gpu_count, 0) DESC LIMIT 50",
    },
    "company_deals": {
        "title": "A company's deals",
        "description": "Deals of every company whose name or alias contains the text (any case).",
        "sql": f"SELECT {_DEAL}, p.role FROM deal_parties p JOIN deals d ON d.id = p.deal_id"
        " WHERE p.company_key IN (SELECT key FROM companies WHERE name LIKE"
        " '%' || :company || '%' UNION SELECT canonical_key FROM company_aliases"
        " WHERE alias LIKE '%' || :company || '%') AND d.curation IS NOT 'rejected'"
        " ORDER BY d.first_reported DESC",
    },
    "conflicts": {
        "title": "Conflicts between sources",
        "description": "Every figure of a deal whose sources disagree, with who said what"
        " and when.",
        "sql": "SELECT f.deal_id, d.parties, f.field, f.value, f.reported, f.url,"
        " f.conflicting FROM deal_figures f JOIN deals d ON d.id = f.deal_id"
        " WHERE d.conflicted = 1 ORDER BY f.deal_id, f.field, f.reported",
    },
    "this_week": {
        "title": "What changed this week",
        "description": "Deals with a report first stored in the last 7 days, and deals a"
        " person confirmed or rejected since.",
        "sql": f"SELECT {_DEAL}, d.curation, MAX(dd.extracted_on) AS stored_on"
        " FROM deals d JOIN deal_reports r ON r.deal_id = d.id"
        " JOIN deal_docs dd ON dd.doc_id = r.doc_id"
        " WHERE dd.extracted_on >= date('now', '-7 days')"
        " GROUP BY d.id ORDER BY stored_on DESC, d.last_reported DESC",
    },
    "deals_at_facility": {
        "title": "Deals at a facility",
        "description": "Deals at every facility or place whose name contains the text.",
        "sql": f"SELECT {_DEAL}, d.location, f.operator FROM deals d"
        " LEFT JOIN facilities f ON f.key = lower(d.facility)"
        " WHERE (d.facility LIKE '%' || :facility || '%'"
        " OR d.location LIKE '%' || :facility || '%') AND d.curation IS NOT 'rejected'"
        " ORDER BY d.first_reported DESC",
    },
}
