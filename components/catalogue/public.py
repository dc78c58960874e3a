"""UI text of the citizens' public page (pages/public.py) (Greek, English). Plain words: the
reader is anyone with a phone, not an operator."""

TEXT: dict[str, dict[str, str]] = {
    "public_app": {"el": "Ανοιχτά δεδομένα", "en": "Open data"},
    "public_title": {"el": "Η πόλη τώρα", "en": "The city right now"},
    "public_intro": {"el": "Στάθμευση, ποιότητα αέρα και προειδοποιήσεις πλημμύρας από τους "
                             "αισθητήρες του δήμου. Η σελίδα ανανεώνεται μόνη της κάθε λεπτό.",
                     "en": "Parking, air quality and flood warnings from the city's sensors. "
                           "This page refreshes itself every minute."},
    "public_as_of": {"el": "Ενημέρωση: {time}", "en": "As of {time}"},
    "public_unavailable": {"el": "Τα στοιχεία δεν είναι διαθέσιμα αυτή τη στιγμή.",
                           "en": "These figures are not available right now."},
    "public_no_data": {"el": "χωρίς στοιχεία", "en": "no data"},
    # parking
    "public_parking": {"el": "Στάθμευση", "en": "Parking"},
    "public_free_spaces": {"el": "ελεύθερες θέσεις", "en": "free spaces"},
    "public_free_short": {"el": "ελεύθερες", "en": "free"},
    "public_reporting": {"el": "από {n} θέσεις με αισθητήρα που αναφέρουν τώρα",
                         "en": "of {n} spaces with a sensor reporting now"},
    "public_zone_of": {"el": "από {n}", "en": "of {n}"},
    "public_zones": {"el": "Ανά ζώνη", "en": "By zone"},
    # air
    "public_air": {"el": "Ποιότητα αέρα", "en": "Air quality"},
    "public_eaqi": {"el": "Ευρωπαϊκός δείκτης ποιότητας αέρα",
                    "en": "European Air Quality Index"},
    "public_air_set_by": {"el": "Τον καθορίζει: {pollutant}, {value}",
                          "en": "Set by {pollutant}: {value}"},
    "public_air_measured": {"el": "Μετρήσεις έως {time}", "en": "Measured up to {time}"},
    "public_air_none": {"el": "Δεν υπάρχει πρόσφατη μέτρηση.", "en": "No recent measurement."},
    "public_pollutants": {"el": "Ανά ρύπο", "en": "By pollutant"},
    "public_mean_h": {"el": "μέσος όρος {n} ωρών", "en": "{n}-hour mean"},
    "public_mean_1h": {"el": "μέσος όρος ώρας", "en": "1-hour mean"},
    # flood
    "public_flood": {"el": "Προειδοποίηση πλημμύρας", "en": "Flood warning"},
    "public_flood_level": {"el": "επίπεδο {n} από 3", "en": "level {n} of 3"},
    "public_flood_calm": {"el": "Καμία ένδειξη κινδύνου στους σταθμούς.",
                          "en": "No sign of danger at the stations."},
    "public_flood_city": {"el": "Όλος ο δήμος", "en": "Whole municipality"},
    "public_flood_units": {"el": "Ανά δημοτική ενότητα", "en": "By municipal unit"},
    "public_stations": {"el": "{n} από {total} σταθμούς αναφέρουν",
                        "en": "{n} of {total} stations reporting"},
    # downloads and terms
    "public_downloads": {"el": "Ανοιχτά δεδομένα για λήψη", "en": "Open data downloads"},
    "public_dl_devices_csv": {"el": "Αισθητήρες και τελευταίες τιμές",
                              "en": "Sensors and their latest values"},
    "public_dl_devices_geojson": {"el": "Αισθητήρες στον χάρτη", "en": "Sensors on a map"},
    "public_dl_hourly": {"el": "Ωριαίοι μέσοι όροι, τελευταίες 24 ώρες",
                         "en": "Hourly averages, last 24 hours"},
    "public_dl_api": {"el": "Διεπαφή JSON για προγραμματιστές",
                      "en": "JSON API for developers"},
    "public_dl_note": {"el": "Ονόματα πεδίων στα αγγλικά, ώρες ISO 8601 με τη διαφορά ώρας.",
                       "en": "Field names in English, times in ISO 8601 with their offset."},
    "public_licence": {"el": "Άδεια που επέλεξε ο δήμος: {licence}. Ελεύθερη χρήση με αναφορά "
                             "στην πηγή: {attribution}.",
                       "en": "Licence chosen by the city: {licence}. Free to reuse, crediting "
                             "{attribution}."},
    "public_no_personal": {"el": "Χωρίς προσωπικά δεδομένα: μόνο μετρήσεις αισθητήρων, τίποτα "
                                 "για πρόσωπα.",
                           "en": "No personal data: sensor readings only, nothing about "
                                 "people."},
}
