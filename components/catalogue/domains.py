"""UI text of the domain pages (pages/domains/) (Greek, English)."""

TEXT: dict[str, dict[str, str]] = {
    "nav_domains": {"el": "Τομείς", "en": "Domains"},
    "dom_domains": {"el": "Τομείς", "en": "Domains"},
    "dom_devices": {"el": "Συσκευές", "en": "Devices"},
    "dom_trends": {"el": "Τάσεις", "en": "Trends"},
    "dom_range_1h": {"el": "1 ώρα", "en": "1 h"},
    "dom_range_24h": {"el": "24 ώρες", "en": "24 h"},
    "dom_range_7d": {"el": "7 ημέρες", "en": "7 days"},
    "dom_range_30d": {"el": "30 ημέρες", "en": "30 days"},
    "dom_range_custom": {"el": "Άλλο διάστημα", "en": "Custom"},
    "range_need_dates": {"el": "Διαλέξτε ημερομηνία αρχής και τέλους.",
                         "en": "Pick a start and an end date."},
    "range_end_before_start": {"el": "Η ημερομηνία τέλους είναι πριν από την αρχή.",
                               "en": "The end date is before the start date."},
    "range_too_long": {"el": "Το διάστημα ξεπερνά το ένα έτος.",
                       "en": "The range is longer than one year."},
    "dom_table_limited": {"el": "Εμφανίζονται οι {n} πιο επείγουσες συσκευές.",
                          "en": "Showing the {n} most urgent devices."},
    "band_ok": {"el": "Εντός ορίων", "en": "Within limits"},
    "band_warning": {"el": "Προσοχή", "en": "Attention"},
    "band_alarm": {"el": "Εκτός ορίων", "en": "Out of limits"},
}
TEXT.update({
    "dom_zone_occupancy": {"el": "Πληρότητα ανά ζώνη (υγιής ζώνη σκιασμένη)",
                           "en": "Occupancy per zone (healthy band shaded)"},
})
TEXT.update({
    "dom_bin_fill": {"el": "Πλήρωση ανά κάδο", "en": "Fill per bin"},
    "dom_route": {"el": "Προτεινόμενη διαδρομή αποκομιδής", "en": "Suggested collection route"},
    "dom_route_none": {"el": "Κανένας κάδος πάνω από το όριο αποκομιδής.",
                       "en": "No bin is over the collection level."},
    "dom_meters": {"el": "Μετρητές κτιρίων", "en": "Building meters"},
    "dom_tanks": {"el": "Δεξαμενές καυσίμου", "en": "Fuel tanks"},
    "dom_water_meters": {"el": "Κατανάλωση ανά κτίριο και πάρκο",
                         "en": "Consumption per building and park"},
    "dom_city_warning": {"el": "Επίπεδο προειδοποίησης πόλης", "en": "City warning level"},
    "dom_unit_warnings": {"el": "Ανά δημοτική ενότητα", "en": "Per municipal unit"},
    "dom_no_drivers": {"el": "Καμία ένδειξη κινδύνου.", "en": "Nothing drives it up."},
    "dom_river_levels": {"el": "Στάθμη ποταμών και όρια", "en": "River levels and limits"},
    "dom_weather": {"el": "Βροχή, άνεμος, κεραυνοί", "en": "Rain, wind, lightning"},
})
