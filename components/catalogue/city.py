"""UI text of the city page for officials (pages/city.py) (Greek, English)."""

TEXT: dict[str, dict[str, str]] = {
    "city_title": {"el": "Η πόλη με μια ματιά", "en": "The city at a glance"},
    "city_headlines": {"el": "Τομείς της πόλης", "en": "City domains"},
    "city_headlines_when": {
        "el": "Τώρα, {now} — σε σχέση με την ίδια ώρα την περασμένη εβδομάδα ({before})",
        "en": "Now, {now} — against the same time last week ({before})"},
    "city_headlines_how": {
        "el": "Τώρα: η τελευταία τιμή κάθε συσκευής που αναφέρει. Περασμένη εβδομάδα: ο μέσος "
              "όρος της ίδιας ώρας, την ίδια ημέρα.",
        "en": "Now: the latest value of each reporting device. Last week: the average over the "
              "same hour of the same weekday."},
    "city_week_ago": {"el": "Ίδια ώρα την περασμένη εβδομάδα: {value}",
                      "en": "Same time last week: {value}"},
    "city_no_last_week": {"el": "χωρίς δεδομένα για την περασμένη εβδομάδα",
                          "en": "no data for last week"},
    "city_no_value": {"el": "χωρίς τρέχουσα τιμή", "en": "no current value"},
    "city_unchanged": {"el": "αμετάβλητο", "en": "unchanged"},
    "city_points": {"el": "μονάδες", "en": "points"},
    "city_reporting": {"el": "{n} από {total} συσκευές αναφέρουν",
                       "en": "{n} of {total} devices reporting"},
    "city_programme": {"el": "Πρόγραμμα Έξυπνης Πόλης", "en": "Smart-city programme"},
    "city_programme_sub": {"el": "{total} σε {n} άξονες · στοιχεία έως {date}",
                           "en": "{total} in {n} axes · figures as of {date}"},
    "city_budget": {"el": "Προϋπολογισμός", "en": "Budget"},
    "city_contracted": {"el": "Συμβάσεις", "en": "Contracted"},
    "city_spent": {"el": "Πληρωμές", "en": "Paid"},
    "city_absorption": {"el": "Απορρόφηση", "en": "Absorption"},
    "city_total": {"el": "Σύνολο προγράμματος", "en": "Whole programme"},
    "city_bar_label": {"el": "Πληρωμές {spent} και συμβάσεις {contracted} του προϋπολογισμού",
                       "en": "Paid {spent} and contracted {contracted} of the budget"},
    "city_demo": {"el": "Ενδεικτικά στοιχεία επίδειξης, όχι πραγματικά",
                  "en": "Illustrative demo figures, not real ones"},
    "city_strategy": {"el": "Στρατηγικοί δείκτες", "en": "Strategy KPIs"},
    "city_strategy_sub": {
        "el": "Έρευνα της {date}, {n} απαντήσεις · κλίμακα 1 (πολύ χαμηλά) έως 5 (πολύ υψηλά)",
        "en": "Survey of {date}, {n} responses · scale 1 (very low) to 5 (very high)"},
    "city_since_round": {"el": "από την έρευνα της {date}", "en": "since the {date} survey"},
    "city_first_round": {"el": "πρώτη έρευνα", "en": "first survey"},
    "city_out_of": {"el": "στα 5", "en": "out of 5"},
    "city_data_error": {"el": "Δεν είναι δυνατή η ανάγνωση του αρχείου δεδομένων",
                        "en": "The data file cannot be read"},
    "city_data_error_hint": {"el": "Διορθώστε το πεδίο που αναφέρεται και ανανεώστε τη σελίδα.",
                             "en": "Correct the field named and reload the page."},
}
