"""Languages of the web pages: choose one per request, and the interface texts in each.

Polish by default, English by a switch (``?lang=en``, kept in a cookie) or by the
browser's ``Accept-Language``. Only the interface texts live here; the labels of
concepts, districts and places come from the published SKOS schemes in the store.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Request

from ..pages_index import pick  # noqa: F401  (the pages' and the index's one rule; imported from here by the web)

LANGUAGES = ("pl", "en")
COOKIE = "lang"


@dataclass(frozen=True)
class Choice:
    """The language of one response, and whether links must carry it to keep it."""

    lang: str
    explicit: bool  # differs from what Accept-Language (or the default) would give
    from_query: bool  # came from ?lang=, so the cookie should be set


def choose(request: Request, default: str) -> Choice:
    """Pick the page language: ?lang=, then the cookie, then Accept-Language, then the default."""
    default = default if default in LANGUAGES else LANGUAGES[0]
    negotiated = request.accept_languages.best_match(LANGUAGES, default=default) or default
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return Choice(asked, asked != negotiated, True)
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return Choice(cookie, cookie != negotiated, False)
    return Choice(negotiated, False, False)


# Interface texts: key -> (Polish, English).
TEXTS: dict[str, tuple[str, str]] = {
    "site": ("Sale dla organizacji pozarządowych w Krakowie", "Rooms for NGOs in Kraków"),
    "site_short": ("Sale dla NGO", "Rooms for NGOs"),
    "skip": ("Przejdź do treści", "Skip to content"),
    "nav": ("Menu główne", "Main menu"),
    "nav_search": ("Szukaj sali", "Find a room"),
    "nav_practices": ("Dobre praktyki", "Good practices"),
    "nav_about": ("O danych", "About the data"),
    "lang_switch": ("Język", "Language"),
    "search_title": ("Znajdź salę dla swojej organizacji", "Find a room for your organisation"),
    "search_intro": (
        "Miejskie instytucje kultury Krakowa udostępniają sale organizacjom pozarządowym. "
        "Wybierz, czego potrzebujesz, a zobaczysz pasujące sale i kontakt do instytucji.",
        "Kraków's municipal cultural institutions offer rooms to non-governmental organisations. "
        "Choose what you need to see the rooms that fit and whom to contact.",
    ),
    "filters": ("Filtry wyszukiwania", "Search filters"),
    "q": ("Szukaj w nazwach i opisach", "Search names and descriptions"),
    "q_hint": ("np. sala spotkań, Podgórze, teatr", "e.g. meeting room, Podgórze, theatre"),
    "district": ("Dzielnica", "District"),
    "any_district": ("dowolna dzielnica", "any district"),
    "type": ("Rodzaj przestrzeni", "Type of space"),
    "any_type": ("dowolny rodzaj", "any type"),
    "people": ("Co najmniej tyle osób", "At least this many people"),
    "free": ("Bezpłatnie", "Free of charge"),
    "step_free": ("Wejście bez schodów (dla wózków)", "Step-free access (wheelchairs)"),
    "hide_examples": ("Ukryj wpisy przykładowe", "Hide illustrative records"),
    "other": ("Warunki i dostępność", "Terms and access"),
    "modes": ("Forma udostępniania (dowolna z zaznaczonych)", "Sharing mode (any of those ticked)"),
    "equipment": ("Wyposażenie (wszystkie zaznaczone)", "Equipment (all of those ticked)"),
    "equipment_label": ("Wyposażenie", "Equipment"),
    "search_button": ("Szukaj", "Search"),
    "clear": ("Wyczyść filtry", "Clear filters"),
    "results": ("Wyniki", "Results"),
    "results_count": ("Znaleziono {n} {rooms}", "Rooms found: {n}"),
    "results_none": ("Nie znaleziono żadnej sali", "No rooms found"),
    "no_results": (
        "Żadna sala z potwierdzonych źródeł nie spełnia wszystkich warunków. Usuń któryś filtr:",
        "No room stated by a source meets all the conditions. Remove a filter:",
    ),
    "unknown_excluded": (
        "Sale, których dane nie mówią nic o tym warunku ({what}), nie są pokazane; jest ich: {n}.",
        "Rooms whose data say nothing about this condition ({what}) are left out; there are {n} of them.",
    ),
    "unknown_excluded_many": (
        "Sale, których dane nie mówią nic o którymś z tych warunków ({what}), a pozostałe spełniają, nie są pokazane; "
        "jest ich: {n}.",
        "Rooms whose data say nothing about one of these conditions ({what}), and that meet the others, are left out; "
        "there are {n} of them.",
    ),
    "bad_input": ("Popraw wyszukiwanie", "Please correct the search"),
    "institution": ("Instytucja", "Institution"),
    "venue": ("Lokalizacja", "Venue"),
    "address": ("Adres", "Address"),
    "capacity": ("Pojemność", "Capacity"),
    "people_n": ("{n} {people}", "{n} people"),
    "area": ("Powierzchnia", "Floor area"),
    "sharing": ("Jak można korzystać", "How it can be shared"),
    "modes_not_stated": (
        "Zestawienie nie podaje jeszcze zasad udostępniania tej sali: zapytaj instytucję.",
        "The summary does not state yet on what terms this room is shared: ask the institution.",
    ),
    "contact": ("Kontakt", "Contact"),
    "website": ("Strona internetowa", "Website"),
    "email": ("E-mail", "E-mail"),
    "phone": ("Telefon", "Phone"),
    "contact_person": ("Osoba kontaktowa", "Contact person"),
    "contact_missing": (
        "E-maila ani telefonu do spraw sal nie ma jeszcze w zestawieniu; skontaktuj się przez stronę instytucji.",
        "The summary does not list an e-mail or phone for room requests yet; get in touch through the institution's website.",
    ),
    "contact_missing_no_web": (
        "Danych kontaktowych nie ma jeszcze w zestawieniu.",
        "The summary does not list contact details yet.",
    ),
    "not_stated": ("nie podano", "not stated"),
    "yes": ("tak", "yes"),
    "no": ("nie", "no"),
    "free_yes": ("bezpłatnie", "free of charge"),
    "free_no": ("odpłatnie", "for a fee"),
    "illustrative": ("Wpis przykładowy", "Illustrative record"),
    "illustrative_notice": (
        "To wpis przykładowy: żadne publiczne źródło go nie potwierdza. Pokazuje format danych, a nie fakt; "
        "nie planuj na jego podstawie.",
        "This is an illustrative record: no public source states it. It shows the data format, not a fact; "
        "do not plan on it.",
    ),
    "map": ("Mapa wyników", "Map of the results"),
    "map_small": ("Mapa", "Map"),
    # Names the map's own region apart from the section around it (axe: landmark-unique).
    "map_region": ("– mapa interaktywna", "– interactive map"),
    "map_needs_js": (
        "Mapa wymaga JavaScriptu. Lista wyników jest pełna i działa bez mapy.",
        "The map needs JavaScript. The list of results is complete and works without it.",
    ),
    "map_tiles_failed": (
        "Nie udało się wczytać podkładu mapy; znaczniki sal są widoczne.",
        "The map background could not be loaded; the markers are still shown.",
    ),
    "map_unavailable": (
        "Mapa jest niedostępna. Lista wyników działa bez niej.",
        "The map is unavailable. The list works without it.",
    ),
    "map_missing": (
        "Sale bez współrzędnych są na liście, ale nie na mapie; jest ich: {n}.",
        "Rooms without coordinates are in the list but not on the map; there are {n} of them.",
    ),
    "map_partial": (
        "Mapa pokazuje miejsca pierwszych {n} z {total} sal z listy.",
        "The map shows the places of the first {n} of the {total} rooms in the list.",
    ),
    "map_partial_all": (
        "Wszystkie miejsca: plik GeoJSON",
        "Every place: the GeoJSON file",
    ),
    "map_none": ("Żadna z tych sal nie ma współrzędnych.", "None of these rooms has coordinates."),
    "show_on_page": ("Szczegóły", "Details"),
    "details_of": ("Szczegóły: {name}", "Details: {name}"),
    "description": ("Opis", "Description"),
    "facts": ("Najważniejsze informacje", "Key facts"),
    "how_to_ask": ("Jak poprosić o salę", "How to ask for the room"),
    "how_to_ask_intro": (
        "Instytucja udostępnia tę przestrzeń w następujący sposób:",
        "The institution shares this space in the following way:",
    ),
    "conditions": ("Warunki", "Conditions"),
    "opening_hours": ("Godziny otwarcia", "Opening hours"),
    "accessibility": ("Dostępność", "Accessibility"),
    "step_free_yes": ("Wejście bez schodów (dostępne dla wózków).", "Step-free entrance (wheelchair accessible)."),
    "step_free_no": (
        "Wejście ze schodami (niedostępne dla wózków).",
        "Entrance with steps (not wheelchair accessible).",
    ),
    "step_free_unknown": (
        "Zestawienie nie mówi jeszcze, czy do budynku można wejść bez schodów; zapytaj instytucję.",
        "The summary does not yet say whether the building has step-free access; ask the institution.",
    ),
    "last_verified": ("Ostatnio sprawdzono", "Last verified"),
    "never_verified": ("nie podano daty sprawdzenia", "no verification date given"),
    "published_in": ("Wydanie danych", "Data release"),
    "sources": ("Źródła", "Sources"),
    "data_formats": ("Te same dane do pobrania", "The same data as"),
    "correction": ("Zgłoś poprawkę", "Report a correction"),
    "correction_intro": (
        "Coś się nie zgadza? Napisz do nas; wiadomość zawiera już opis tego wpisu.",
        "Something wrong? Write to us; the message already describes this record.",
    ),
    "correction_no_address": (
        "Adres do zgłaszania poprawek nie został jeszcze opublikowany. Zobacz stronę „O danych”.",
        "No address for corrections has been published yet. See the “About the data” page.",
    ),
    "correction_subject": ("Poprawka: {name}", "Correction: {name}"),
    "correction_body_intro": ("Proszę o poprawienie wpisu:", "Please correct this record:"),
    "correction_body_ask": ("Co należy poprawić:", "What should be corrected:"),
    "spaces_here": ("Sale w tym miejscu", "Rooms here"),
    "spaces_of": ("Sale tej instytucji", "Rooms of this institution"),
    "venues_of": ("Lokalizacje", "Venues"),
    "no_spaces": ("Zestawienie nie wymienia tu jeszcze sal.", "The summary lists no rooms here yet."),
    "practices_here": ("Dobre praktyki w tej sali", "Good practices in this room"),
    "type_of_institution": ("Rodzaj instytucji", "Type of institution"),
    "also_known": ("Nazwa skrócona", "Short name"),
    "wikidata": ("Wikidane", "Wikidata"),
    "practices_title": ("Dobre praktyki współpracy", "Good practices of cooperation"),
    "practices_intro": (
        "Przykłady współpracy instytucji kultury z organizacjami pozarządowymi: co, kiedy i w której sali. "
        "Każdy wpis opiera się na źródle albo jest wyraźnie oznaczony jako przykładowy.",
        "Examples of cooperation between cultural institutions and NGOs: what, when and in which room. "
        "Every record either rests on a source or is clearly marked as illustrative.",
    ),
    "no_practices": ("Nie opisano jeszcze żadnej dobrej praktyki.", "No good practice has been described yet."),
    "organisation": ("Organizacja", "Organisation"),
    "date": ("Data", "Date"),
    "space": ("Sala", "Room"),
    "more": ("Więcej", "More"),
    "about_title": ("O danych", "About the data"),
    "about_intro": (
        "Zestawienie sal, które miejskie instytucje kultury Krakowa udostępniają organizacjom pozarządowym, "
        "opublikowane jako otwarte dane powiązane (linked open data).",
        "The summary of rooms that Kraków's municipal cultural institutions offer to NGOs, "
        "published as linked open data.",
    ),
    "about_examples": (
        "Wpisy oznaczone „Wpis przykładowy” nie są potwierdzone przez żadne publiczne źródło: "
        "pokazują format danych, a nie fakty.",
        "Records marked “Illustrative record” are not stated by any public source: "
        "they show the data format, not facts.",
    ),
    "licence": ("Licencja", "Licence"),
    "licence_text": (
        "Dane możesz kopiować, zmieniać i wykorzystywać także komercyjnie, podając źródło.",
        "You may copy, adapt and reuse the data, also commercially, if you credit the source.",
    ),
    "cite": ("Jak cytować", "How to cite"),
    "downloads": ("Pobierz dane", "Download the data"),
    "file": ("Plik", "File"),
    "format": ("Format", "Format"),
    "size": ("Rozmiar", "Size"),
    "sparql": ("Zapytania SPARQL", "SPARQL queries"),
    # The query page (/sparql).
    "q_intro": (
        "Punkt dostępowy SPARQL 1.1 (tylko odczyt) do danych o przestrzeniach dla organizacji pozarządowych "
        "w instytucjach kultury Krakowa. Wybierz przykład albo napisz własne zapytanie.",
        "A read-only SPARQL 1.1 endpoint for the data on spaces for NGOs in Kraków's cultural institutions. "
        "Pick an example or write your own query.",
    ),
    "q_query": ("Zapytanie", "Query"),
    "q_format": ("Format wyniku", "Result format"),
    "q_format_page": ("tabela na tej stronie", "a table on this page"),
    "q_run": ("Wykonaj", "Run"),
    "q_limits": (
        "Limity: {timeout} s na zapytanie, {rows} wierszy wyniku, {result_bytes} bajtów wyniku, {query_bytes} bajtów "
        "zapytania, bez SERVICE.",
        "Limits: {timeout} s per query, {rows} result rows, {result_bytes} bytes of result, {query_bytes} bytes of "
        "query, no SERVICE.",
    ),
    "q_prefixes": ("Prefiksy dostępne bez deklaracji", "Prefixes available without declaring them"),
    "q_examples": ("Przykładowe zapytania", "Example queries"),
    "q_edit": ("otwórz", "open"),
    "q_result_link": ("wynik", "result"),
    "q_error": ("Zapytanie nie zostało wykonane", "The query was not run"),
    "q_result": ("Wynik", "Result"),
    "q_rows": ("Wierszy: {n}", "Rows: {n}"),
    "q_no_rows": ("Brak wyników.", "No results."),
    "q_true": ("Tak (true)", "Yes (true)"),
    "q_false": ("Nie (false)", "No (false)"),
    "q_truncated": (
        "Wynik jest obcięty: pokazano {n} wierszy, a punkt dostępowy zwraca najwyżej {limit} wierszy i {bytes} bajtów. "
        "Zawęź zapytanie (FILTER, LIMIT, OFFSET), aby zobaczyć resztę.",
        "The result is cut: {n} rows are shown, and the endpoint returns at most {limit} rows and {bytes} bytes. "
        "Narrow the query (FILTER, LIMIT, OFFSET) to see the rest.",
    ),
    "q_truncated_js": (
        "Wynik jest obcięty: pokazano {rows} wierszy, a punkt dostępowy zwraca najwyżej {limit} wierszy i {bytes} "
        "bajtów. Zawęź zapytanie (FILTER, LIMIT, OFFSET), aby zobaczyć resztę.",
        "The result is cut: {rows} rows are shown, and the endpoint returns at most {limit} rows and {bytes} bytes. "
        "Narrow the query (FILTER, LIMIT, OFFSET) to see the rest.",
    ),
    "q_rows_js": ("Wierszy wyniku: {rows}.", "Result rows: {rows}."),
    "q_share": ("Link do tego zapytania", "Link to this query"),
    "q_share_js": ("Link do zapytania", "Link to the query"),
    "q_copied": ("Link skopiowano do schowka.", "The link was copied to the clipboard."),
    "q_download": ("Pobierz wynik", "Download the result"),
    "q_examples_tab": ("Przykład", "Example"),
    "q_endpoint": ("Adres punktu dostępowego SPARQL", "Address of the SPARQL endpoint"),
    "q_page_size": ("Wierszy na stronie", "Rows per page"),
    "q_filter": ("Filtruj wyniki", "Filter the results"),
    "q_add_tab": ("Nowe zapytanie", "New query"),
    "q_tabs": ("Zapytania", "Queries"),
    "q_new_tab": ("Zapytanie", "Query"),
    "q_chart": ("Wykres", "Chart"),
    "q_response_rows": ("Wierszy: {n}, odpowiedź w {s} s", "{n} rows in {s} s"),
    "q_response_time": ("Odpowiedź w {s} s", "Answered in {s} s"),
    "q_chart_label": (
        "Wykres słupkowy: {values} według {label}, słupków: {n}.",
        "Bar chart: {values} by {label}, {n} bars.",
    ),
    "q_chart_hint": ("Liczby są w widoku Tabela.", "The numbers are in the Table view."),
    "q_chart_download": ("Pobierz wykres (PNG)", "Download the chart (PNG)"),
    "q_table": ("Tabela", "Table"),
    "q_response": ("Odpowiedź", "Response"),
    "q_show_view": ("Pokaż widok: {name}", "Show the view: {name}"),
    "q_editor_hint": (
        "Edytor podświetla składnię i podpowiada prefiksy (Ctrl+Spacja). Przykłady są w kartach nad edytorem.",
        "The editor highlights the syntax and completes prefixes (Ctrl+Space). The examples are in the tabs above it.",
    ),
    "sparql_text": (
        "Punkt dostępowy SPARQL 1.1 odpowiada na zapytania o te same dane, które widzisz na stronach:",
        "A SPARQL 1.1 endpoint answers queries over the same data that these pages show:",
    ),
    "changes": ("Zmiany między wydaniami", "Changes between releases"),
    "changes_text": (
        "Co zmieniło się w danych od poprzedniego wydania:",
        "What changed in the data since the previous release:",
    ),
    "contact_point": ("Kontakt w sprawie danych", "Contact about the data"),
    "contact_point_missing": (
        "Adres e-mail do spraw danych nie został jeszcze opublikowany.",
        "No e-mail address for the data has been published yet.",
    ),
    "counts": ("Co zawierają dane", "What the data holds"),
    "count_institutions": ("Instytucje: {n}", "Institutions: {n}"),
    "count_venues": ("Lokalizacje: {n}", "Venues: {n}"),
    "count_spaces": (
        "Sale: {n} (w tym wpisy przykładowe: {examples})",
        "Rooms: {n} (illustrative records among them: {examples})",
    ),
    "count_practices": ("Dobre praktyki: {n}", "Good practices: {n}"),
    "vocabularies": ("Słowniki", "Vocabularies"),
    "release": ("Wydanie", "Release"),
    "not_found": ("Nie znaleziono strony", "Page not found"),
    "not_found_text": (
        "Pod tym adresem nic nie opublikowano. Link może być błędny albo wpis ma inny adres.",
        "Nothing is published at this address. The link may be wrong, or the record has another address.",
    ),
    "not_found_search": ("Szukaj sali", "Find a room"),
    "not_found_detail": ("Odpowiedź serwera", "Server message"),
    "export_sparql_title": ("Zapytania SPARQL", "SPARQL queries"),
    "export_sparql_live": (
        "Ta kopia strony składa się z samych plików. Zapytania SPARQL przyjmuje punkt dostępowy pod adresem:",
        "This copy of the site is files only. SPARQL queries are answered by the endpoint at:",
    ),
    "export_sparql_none": (
        "Ta kopia strony składa się z samych plików i nie ma punktu dostępowego SPARQL.",
        "This copy of the site is files only and has no SPARQL endpoint.",
    ),
    "export_sparql_dumps": (
        "Wszystkie dane można pobrać (Turtle, N-Triples, JSON-LD, CSV) i odpytać u siebie:",
        "All the data can be downloaded (Turtle, N-Triples, JSON-LD, CSV) and queried locally:",
    ),
    "export_search_note": (
        "Wyniki z wyszukiwarki w przeglądarce (kopia strony bez serwera).",
        "Results of the search in your browser (a copy of the site without a server).",
    ),
    "kind_space": ("Sala", "Room"),
    "kind_venue": ("Lokalizacja", "Venue"),
    "kind_institution": ("Instytucja kultury", "Cultural institution"),
    "kind_practice": ("Dobra praktyka", "Good practice"),
    "kind_district": ("Dzielnica", "District"),
    "kind_scheme": ("Słownik", "Vocabulary"),
    "kind_concept": ("Pojęcie", "Concept"),
    "kind_term": ("Termin słownika kfl", "kfl vocabulary term"),
    "kind_thing": ("Opis zasobu", "Resource description"),
    "properties": ("Wszystkie dane", "All data"),
    "property": ("Właściwość", "Property"),
    "value": ("Wartość", "Value"),
    "concepts": ("Pojęcia", "Concepts"),
    "definition": ("Definicja", "Definition"),
    "in_scheme": ("W słowniku", "In vocabulary"),
    "search_with": ("Szukaj sal z tym pojęciem", "Find rooms with this"),
    "search_in_district": ("Szukaj sal w tej dzielnicy", "Find rooms in this district"),
    "venues_in_district": ("Lokalizacje w tej dzielnicy", "Venues in this district"),
    "footer": (
        "Dane: Wydział Kultury i Dziedzictwa Narodowego Urzędu Miasta Krakowa.",
        "Data: Department of Culture and National Heritage, Kraków City Office.",
    ),
    "organiser_ngo": ("Organizacja pozarządowa", "Non-governmental organisation"),
    "held_in": ("Miejsce", "Place"),
    "external_link": ("(strona zewnętrzna)", "(external site)"),
    "err_text_long": (
        "Tekst wyszukiwania jest za długi; użyto pierwszych 200 znaków.",
        "The search text is too long; its first 200 characters were used.",
    ),
    "err_choice": (
        "„{value}” nie jest jedną z wartości pola „{field}”; ten filtr pominięto.",
        "“{value}” is not one of the values of “{field}”; this filter was left out.",
    ),
    "err_people": (
        "„{value}” nie jest liczbą osób; wpisz liczbę całkowitą, np. 20.",
        "“{value}” is not a number of people; enter a whole number such as 20.",
    ),
    "err_flag": (
        "„{value}” nie jest wartością pola „{field}”; zaznacz pole albo je odznacz.",
        "“{value}” is not a value of “{field}”; tick the box or leave it empty.",
    ),
    # --- the room finder: results, filters, start (issue 9) ---
    "count_examples": ("przykładowe: {n}", "illustrative: {n}"),
    "results_partial_heading": (
        "Żadna sala nie pasuje do wszystkich słów",
        "No room matches all the words",
    ),
    "results_partial": (
        "Pokazujemy najbliższe wyniki: sale pasujące do części słów, najlepiej pasujące najpierw "
        "(z potwierdzonych źródeł: {n}).",
        "Showing the closest results: rooms matching some of the words, best first (stated by a source: {n}).",
    ),
    "examples_apart": (
        "Wpisy przykładowe nie są tu liczone; pasuje ich {n}, są pokazane osobno, pod salami.",
        "Illustrative records are not counted here; {n} match and are shown apart, below the rooms.",
    ),
    "people_from_text": (
        "Z tekstu wyszukiwania: co najmniej {n} {people}.",
        "From the search text: at least {n} people.",
    ),
    "people_at_least": ("co najmniej {n} {people}", "at least {n} people"),
    "active_filters": ("Wybrane filtry (dotknij, by usunąć)", "Filters chosen (tap to remove)"),
    "chip_remove": ("Usuń filtr {what}", "Remove filter {what}"),
    "chip_remove_prefix": ("Usuń filtr:", "Remove filter:"),
    "drop_filter": ("Usuń filtr „{what}”", "Remove the filter “{what}”"),
    "drop_gives": ("– znajdziesz wtedy {n} {rooms}", "– you will then find {n} rooms"),
    "real_rooms": ("Sale z potwierdzonych źródeł", "Rooms stated by a source"),
    "closest_heading": (
        "Najbliższe wyniki: pokazujemy {n} {rooms} bez filtra „{what}”",
        "Closest results: {n} rooms without the filter “{what}”",
    ),
    "closest_note": (
        "Te sale z potwierdzonych źródeł spełniają pozostałe warunki, ale nie warunek „{what}” (albo ich dane "
        "nic o nim nie mówią). Nie są liczone jako znalezione; zapytaj instytucję.",
        "These rooms stated by a source meet the other conditions, but not “{what}” (or their data say nothing "
        "about it). They are not counted as found; ask the institution.",
    ),
    "closest_label": ("Najbliższe wyniki z potwierdzonych źródeł", "Closest results stated by a source"),
    "closest_all": ("Pokaż wszystkie najbliższe wyniki ({n})", "Show all the closest results ({n})"),
    "examples_heading": (
        "Wpisy przykładowe (to nie są prawdziwe oferty)",
        "Illustrative records (these are not real offers)",
    ),
    "examples_group_note": (
        "Te wpisy pokazują, jak działa wyszukiwarka; żadne źródło ich nie potwierdza. "
        "Nie kontaktuj się z instytucjami w ich sprawie.",
        "These records show how the finder works; no source states them. Do not contact the institutions about them.",
    ),
    "example_no_contact": (
        "Wpis przykładowy: instytucja nie oferuje tej sali, dlatego nie podajemy tu kontaktu.",
        "Illustrative record: the institution does not offer this room, so no contact is given here.",
    ),
    "pages": ("Strony wyników", "Result pages"),
    "page_n": ("Strona {n}", "Page {n}"),
    "page_param": ("Strona", "Page"),
    "start_heading": ("Na początek", "To start"),
    "start_all": ("Pokaż wszystkie sale ({n})", "Show all rooms ({n})"),
    "start_examples": (
        "Oprócz nich dane zawierają wpisy przykładowe ({n}), pokazywane osobno.",
        "Besides them the data hold illustrative records ({n}), shown apart.",
    ),
    "start_districts": ("Sale w dzielnicach", "Rooms by district"),
    "start_without_district": (
        "Dla części sal dane nie podają dzielnicy ({n}).",
        "For some rooms the data give no district ({n}).",
    ),
    "start_largest": ("Największe sale", "The largest rooms"),
    "map_all": ("Mapa: gdzie są sale", "Map: where the rooms are"),
    "meta_search": (
        "Wyszukiwarka sal, które miejskie instytucje kultury Krakowa udostępniają organizacjom pozarządowym: "
        "dzielnica, liczba osób, wyposażenie, zasady i kontakt.",
        "Find rooms that Kraków's municipal cultural institutions offer to NGOs: district, people, equipment, "
        "terms and whom to contact.",
    ),
    "meta_results": (
        "Wyniki wyszukiwania sal dla organizacji pozarządowych w Krakowie: {n} {rooms}.",
        "Rooms for NGOs in Kraków found: {n}.",
    ),
    "err_page": (
        "„{value}” nie jest numerem strony wyników; pokazano pierwszą.",
        "“{value}” is not a result page number; the first page is shown.",
    ),
    # --- the accessibility statement (deklaracja dostępności) ---
    "nav_accessibility": ("Deklaracja dostępności", "Accessibility statement"),
    "meta_default": (
        "Sale, które miejskie instytucje kultury Krakowa udostępniają organizacjom pozarządowym, jako otwarte dane.",
        "Rooms Kraków's municipal cultural institutions offer to NGOs, as open data.",
    ),
    "meta_accessibility": (
        "Deklaracja dostępności serwisu z salami dla organizacji pozarządowych w Krakowie.",
        "Accessibility statement of the website of rooms for NGOs in Kraków.",
    ),
    "a11y_title": ("Deklaracja dostępności", "Accessibility statement"),
    "a11y_intro_1": ("zobowiązuje się zapewnić dostępność", "undertakes to make"),
    "a11y_scope": ("swojej strony internetowej", "its website"),
    "a11y_intro_2": (
        "zgodnie z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i aplikacji "
        "mobilnych podmiotów publicznych. Deklaracja dostępności dotyczy strony internetowej",
        "accessible in accordance with the Polish act of 4 April 2019 on the digital accessibility of the "
        "websites and mobile applications of public bodies. This accessibility statement applies to the website",
    ),
    "a11y_not_given": (
        "nie podano – do uzupełnienia w ustawieniach serwisu ({setting})",
        "not given – to be entered in the site's settings ({setting})",
    ),
    "a11y_published": ("Data publikacji strony internetowej", "Date the website was published"),
    "a11y_updated": ("Data ostatniej istotnej aktualizacji", "Date of the last significant update"),
    "a11y_status_heading": ("Stan dostępności cyfrowej", "Compliance status"),
    "a11y_status": (
        "Strona internetowa jest częściowo zgodna z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej "
        "stron internetowych i aplikacji mobilnych podmiotów publicznych z powodu niezgodności lub wyłączeń "
        "wymienionych poniżej.",
        "The website is partially compliant with the act of 4 April 2019 on the digital accessibility of the "
        "websites and mobile applications of public bodies because of the non-compliances or exemptions "
        "listed below.",
    ),
    "a11y_unavailable_heading": ("Niedostępne treści", "Non-accessible content"),
    "a11y_noncompliance_heading": ("Niezgodność z załącznikiem", "Non-compliance with the annex"),
    "a11y_noncompliance": (
        "Testy automatyczne opisane niżej nie znajdują naruszeń wymagań WCAG 2.1 na poziomie AA. Nie "
        "przeprowadzono badania eksperckiego ani badania z udziałem osób z niepełnosprawnościami, więc zgodności "
        "ze wszystkimi wymaganiami załącznika nie stwierdzono.",
        "The automated tests described below find no violation of the WCAG 2.1 level AA requirements. No expert "
        "audit and no testing with disabled people has been done, so compliance with every requirement of the "
        "annex has not been established.",
    ),
    "a11y_excluded_heading": ("Treści nieobjęte przepisami", "Content outside the scope of the act"),
    "a11y_map_tiles": (
        "Mapy (art. 3 ust. 2 ustawy): podkład map (obrazy z serwera {origin}, prowadzonego przez {operator}) nie "
        "ma tekstu alternatywnego. Te same informacje – nazwy, adresy i dzielnice sal – są na liście wyników i "
        "na stronie każdej sali. Przeglądarka pobiera podkład z tego serwera, więc widzi on adres IP "
        "odwiedzającego.",
        "Maps (art. 3(2) of the act): the map background (images from {origin}, run by {operator}) has no text "
        "alternative. The same facts – names, addresses and districts of the rooms – are in the list of results "
        "and on every room's page. The browser fetches the background from that server, which therefore sees "
        "the visitor's IP address.",
    ),
    "a11y_external": (
        "Treści osób trzecich (art. 3 ust. 2 ustawy): strony i dokumenty instytucji oraz źródła, do których "
        "prowadzą linki, nie są częścią tego serwisu; ich dostępność zależy od ich wydawców.",
        "Third-party content (art. 3(2) of the act): the institutions' websites and documents and the linked "
        "sources are not part of this website; their accessibility depends on their publishers.",
    ),
    "a11y_prepared_heading": (
        "Przygotowanie deklaracji dostępności i jej aktualizacja",
        "Preparation and update of this statement",
    ),
    "a11y_declared": ("Data sporządzenia deklaracji", "Statement drawn up on"),
    "a11y_reviewed": ("Data ostatniego przeglądu deklaracji", "Statement last reviewed on"),
    "a11y_self_assessment": (
        "Deklarację sporządzono na podstawie samooceny przeprowadzonej przez podmiot publiczny. Każda zmiana "
        "strony jest sprawdzana automatycznie w przeglądarce (axe-core, reguły {rules}) na każdym rodzaju strony, "
        "na telefonie i na komputerze; testy wymagają zera naruszeń. Obsługę klawiaturą, widoczny fokus, "
        "czytelność od 320 px szerokości i działanie bez JavaScriptu sprawdzają osobne testy.",
        "This statement rests on a self-assessment by the public body. Every change of the website is checked "
        "automatically in a browser (axe-core, rules {rules}) on every kind of page, on a phone and on a desktop; "
        "the tests require zero violations. Keyboard use, visible focus, reading from 320 px width and working "
        "without JavaScript are checked by separate tests.",
    ),
    "a11y_keyboard_heading": ("Skróty klawiszowe", "Keyboard shortcuts"),
    "a11y_keyboard": (
        "Strona nie ma własnych skrótów klawiszowych; działają standardowe skróty przeglądarki. Na początku "
        "każdej strony jest link „Przejdź do treści”. Znaczniki na mapie obsłużysz klawiszem Tab i Enter; "
        "klawisz Escape zamyka okienko znacznika. Mapa jest dodatkiem: lista wyników jest pełna bez niej.",
        "The website has no shortcuts of its own; the browser's usual shortcuts work. Every page starts with a "
        "“Skip to content” link. Map markers work with Tab and Enter; Escape closes a marker's popup. The map is "
        "an extra: the list of results is complete without it.",
    ),
    "a11y_contact_heading": ("Informacje zwrotne i dane kontaktowe", "Feedback and contact information"),
    "a11y_contact_intro": (
        "W przypadku problemów z dostępnością strony internetowej skontaktuj się z osobą odpowiedzialną za "
        "dostępność cyfrową:",
        "If you meet a problem with the accessibility of this website, contact the person responsible for "
        "digital accessibility:",
    ),
    "a11y_person": ("Osoba odpowiedzialna", "Person responsible"),
    "a11y_contact_same_way": (
        "Tą samą drogą można zgłaszać uwagi, składać żądania zapewnienia dostępności cyfrowej, wnioski o "
        "udostępnienie informacji niedostępnej w innej formie oraz skargi.",
        "The same way you can send remarks, requests that something be made accessible, requests for "
        "inaccessible information in another form, and complaints.",
    ),
    "a11y_procedure_heading": (
        "Obsługa wniosków i skarg związanych z dostępnością",
        "Handling of requests and complaints about accessibility",
    ),
    "a11y_procedure_1": (
        "Każdy ma prawo wystąpić z żądaniem zapewnienia dostępności cyfrowej strony internetowej lub jej elementu "
        "albo zapewnienia dostępu alternatywnego. Żądanie zawiera dane kontaktowe osoby żądającej, wskazanie "
        "strony lub elementu, o które chodzi, oraz sposób kontaktu; jeśli potrzebny jest dostęp alternatywny, "
        "także dogodny sposób przedstawienia informacji.",
        "Everyone may request that the website or an element of it be made accessible, or that an alternative "
        "means of access be provided. The request gives the requester's contact details, the page or element "
        "concerned and how to reply; for alternative access, also the form that suits the requester.",
    ),
    "a11y_procedure_2": (
        "Podmiot publiczny realizuje żądanie niezwłocznie, nie później niż w ciągu 7 dni od jego wystąpienia. "
        "Jeżeli dotrzymanie tego terminu nie jest możliwe, informuje o tym i wskazuje termin, nie dłuższy niż "
        "2 miesiące; jeżeli zapewnienie dostępności nie jest możliwe, może zaproponować dostęp alternatywny.",
        "The public body meets the request without delay, at the latest within 7 days. If that is not possible, "
        "it says so and names a date no later than 2 months away; if accessibility cannot be provided, it may "
        "offer an alternative means of access.",
    ),
    "a11y_procedure_complaint": (
        "Jeżeli podmiot publiczny odmówi realizacji żądania zapewnienia dostępności lub dostępu alternatywnego, "
        "osoba żądająca może złożyć skargę w sprawie zapewnienia dostępności cyfrowej strony internetowej lub "
        "jej elementu (tymi samymi danymi kontaktowymi).",
        "If the public body refuses a request for accessibility or for alternative access, the requester may "
        "lodge a complaint about the digital accessibility of the website or an element of it (through the same "
        "contact details).",
    ),
    "a11y_procedure_3": (
        "Po wyczerpaniu tej procedury można złożyć wniosek do Rzecznika Praw Obywatelskich:",
        "Once this procedure is exhausted, an application may be made to the Commissioner for Human Rights:",
    ),
    "a11y_rpo": ("Rzecznik Praw Obywatelskich", "Commissioner for Human Rights (Rzecznik Praw Obywatelskich)"),
    "a11y_other_heading": ("Pozostałe informacje", "Other information"),
    "a11y_building_heading": ("Dostępność architektoniczna", "Architectural accessibility"),
    "a11y_seat": ("Siedziba: {name}, {address}.", "Seat: {name}, {address}."),
    "a11y_building_missing": (
        "Opisu dostępności architektonicznej siedziby nie podano – do uzupełnienia w ustawieniach serwisu "
        "(accessibility_building) na podstawie informacji podmiotu.",
        "No description of the seat's architectural accessibility has been given – to be entered in the site's "
        "settings (accessibility_building) from the public body's own information.",
    ),
    "a11y_building_link": (
        "Opis dostępności architektonicznej siedziby",
        "Description of the seat's architectural accessibility",
    ),
    "a11y_rooms_buildings": (
        "Dostępność budynków instytucji kultury, w których są sale, podaje strona każdej sali – tylko tyle, ile "
        "podają źródła, z datą źródła.",
        "The accessibility of the cultural institutions' buildings with rooms is on each room's page – only as "
        "far as the sources state it, with the source's date.",
    ),
    "a11y_communication_heading": ("Dostępność komunikacyjno-informacyjna", "Communication accessibility"),
    "a11y_communication_missing": (
        "Informacji o dostępności komunikacyjno-informacyjnej (np. kontakt SMS, tłumacz polskiego języka "
        "migowego online) nie podano – do uzupełnienia w ustawieniach serwisu (accessibility_communication).",
        "No information on communication accessibility (e.g. contact by text message, an online Polish sign "
        "language interpreter) has been given – to be entered in the site's settings (accessibility_communication).",
    ),
    "a11y_apps_heading": ("Aplikacje mobilne", "Mobile applications"),
    "a11y_apps": ("Ten serwis nie ma aplikacji mobilnej.", "This website has no mobile application."),
    "map_third_party": (
        "Podkład mapy pochodzi z serwera {origin} ({operator}); przeglądarka łączy się z nim, więc widzi on Twój "
        "adres IP.",
        "The map background comes from {origin} ({operator}); your browser connects to it, so it sees your IP address.",
    ),
    "map_group": ("{n} – miejsca blisko siebie, powiększ mapę", "{n} – places close together, zoom in"),
    "legend_real": ("sale z potwierdzonych źródeł", "rooms stated by a source"),
    "legend_example": ("tylko wpisy przykładowe", "illustrative records only"),
    # --- the space page, for acting ---
    "back_to_results": ("Wróć do wyników", "Back to the results"),
    "back_to_search": ("Szukaj sali", "Find a room"),
    "sharing_rules": ("Zasady udostępniania", "Terms of sharing"),
    "free_yes_long": (
        "Sala jest udostępniana bezpłatnie.",
        "The room is shared free of charge.",
    ),
    "free_no_long": ("Za korzystanie z sali trzeba zapłacić.", "Using the room costs a fee."),
    "request_heading": ("Co napisać w prośbie", "What to write in the request"),
    "request_intro": (
        "Instytucja odpowie szybciej, gdy od razu podasz:",
        "The institution answers sooner when you give at once:",
    ),
    "request_who": (
        "nazwę organizacji i osobę do kontaktu (telefon, e-mail);",
        "your organisation and a contact person (phone, e-mail);",
    ),
    "request_when": (
        "datę i godziny (także przygotowanie i sprzątanie);",
        "the date and hours (setting up and clearing away too);",
    ),
    "request_people": ("liczbę uczestników;", "how many people will come;"),
    "request_what": (
        "czego dotyczy spotkanie i czy jest otwarte i bezpłatne dla uczestników;",
        "what the event is and whether it is open and free for participants;",
    ),
    "request_equipment": ("jakiego wyposażenia potrzebujesz;", "what equipment you need;"),
    "request_mode": (
        "o jaką formę współpracy prosisz (np. nieodpłatne użyczenie, współorganizacja).",
        "which form of cooperation you ask for (e.g. free use, co-organisation).",
    ),
    "request_write": ("Napisz prośbę do {email}", "Write a request to {email}"),
    "request_subject": ("Prośba o udostępnienie sali: {name}", "Request to use the room: {name}"),
    "request_body_hello": ("Dzień dobry,", "Hello,"),
    "request_body_ask": (
        "nasza organizacja chciałaby skorzystać z sali „{name}” ({venue}).",
        "our organisation would like to use the room “{name}” ({venue}).",
    ),
    "request_body_when": ("Termin i godziny", "Date and hours"),
    "request_body_people": ("Liczba osób", "Number of people"),
    "request_body_what": ("Cel spotkania", "Purpose"),
    "request_body_equipment": ("Potrzebne wyposażenie", "Equipment needed"),
    "request_body_mode": ("Forma współpracy", "Form of cooperation"),
    "request_body_bye": ("Z poważaniem,", "Kind regards,"),
    "getting_there": ("Jak dojechać", "Getting there"),
    "nearest_stop": ("Najbliższy przystanek", "Nearest stop"),
    "route_link": ("Wyznacz trasę (OpenStreetMap)", "Plan a route (OpenStreetMap)"),
    "route_app": ("Otwórz w aplikacji mapy", "Open in a map app"),
    "district_derived": (
        "wyliczona ze współrzędnych i granic dzielnic z OpenStreetMap",
        "derived from the coordinates and OpenStreetMap district boundaries",
    ),
    "district_derived_short": ("wyliczona z OpenStreetMap", "derived from OpenStreetMap"),
    "osm_credit": ("© autorzy OpenStreetMap, licencja ODbL", "© OpenStreetMap contributors, ODbL"),
    "district_credit": (
        "Dzielnice oznaczone „wyliczona z OpenStreetMap” wyliczono ze współrzędnych lokalizacji i granic "
        "dzielnic z OpenStreetMap:",
        "Districts marked “derived from OpenStreetMap” were derived from the venues' coordinates and the "
        "district boundaries of OpenStreetMap:",
    ),
    "stated_undated": (
        "źródło nie podaje daty; sprawdź na stronie instytucji",
        "the source gives no date; check the institution's website",
    ),
    "district_near_border": ("blisko granicy dzielnicy", "close to a district border"),
    "as_stated_by": ("Tak podaje", "As stated by"),
    "source": ("źródło", "source"),
    "stated_on": (
        "według źródła z {date}; sprawdź na stronie instytucji",
        "as stated on {date}; check the institution's website",
    ),
    "show_all_data": ("Pokaż tabelę wszystkich danych", "Show the table of all data"),
    "meta_space": (
        "{name}: {type}, {place}. Kontakt, zasady udostępniania, dojazd i dostępność.",
        "{name}: {type}, {place}. Contact, terms, getting there and accessibility.",
    ),
    # The check page (/sprawdz) and publishing from the browser.
    "nav_check": ("Sprawdź arkusz", "Check a spreadsheet"),
    "about_clerk": ("Dla prowadzących zestawienie", "For the keepers of the summary"),
    "about_clerk_text": (
        "Szablon skoroszytu z listami wyboru i opisem kolumn oraz strona, na której sprawdzisz arkusz przed publikacją:",
        "The workbook template, with drop-down lists and column notes, and the page that checks a spreadsheet before publishing:",
    ),
    "check_title": ("Sprawdź arkusz przed publikacją", "Check a spreadsheet before publishing"),
    "check_intro": (
        "Wyślij skoroszyt (.xlsx albo .ods) albo pliki CSV zestawienia. Zobaczysz, co trzeba poprawić "
        "i co zmieni się w opublikowanych danych. Sprawdzenie niczego nie publikuje, a przesłane pliki "
        "są usuwane zaraz po odpowiedzi.",
        "Send the summary's workbook (.xlsx or .ods) or CSV files. You will see what to fix and what "
        "would change in the published data. A check publishes nothing, and the files are deleted "
        "as soon as the answer is sent.",
    ),
    "check_files": ("Skoroszyt albo pliki CSV", "Workbook or CSV files"),
    "check_files_hint": (
        "Jeden skoroszyt albo kilka plików CSV (instytucje, lokalizacje, przestrzenie, dobre_praktyki); najwyżej {mb} MB.",
        "One workbook or several CSV files (instytucje, lokalizacje, przestrzenie, dobre_praktyki); at most {mb} MB.",
    ),
    "check_submit": ("Sprawdź", "Check"),
    "check_template": ("Szablon do wypełnienia", "Template to fill in"),
    "check_template_text": (
        "Szablon ma listy wyboru, opisy kolumn w komentarzach nagłówków i arkusz „Jak wypełnić”.",
        "The template has drop-down lists, column notes on the headers and a “Jak wypełnić” (how to fill in) sheet.",
    ),
    "check_result": ("Wynik sprawdzenia", "Result of the check"),
    "check_files_sent": ("Sprawdzone pliki", "Files checked"),
    "check_ok": (
        "Nie znaleziono problemów: arkusz można opublikować.",
        "No problems found: the spreadsheet can be published.",
    ),
    "check_problems": ("Do poprawienia: {n}", "To fix: {n}"),
    "check_problems_text": (
        "Publikacja zatrzymałaby się na tych problemach. Popraw wskazane komórki i sprawdź arkusz ponownie.",
        "A build would stop on these problems. Fix the cells named and check the spreadsheet again.",
    ),
    "check_warnings": (
        "Ostrzeżenia (nie wstrzymują publikacji): {n}. Pełna lista: kfl-lod validate.",
        "Warnings (they do not stop publication): {n}. The full list: kfl-lod validate.",
    ),
    "col_file": ("Plik", "File"),
    "col_sheet": ("Arkusz", "Sheet"),
    "col_row": ("Wiersz", "Row"),
    "col_column": ("Kolumna", "Column"),
    "col_value": ("Wartość", "Value"),
    "col_wrong": ("Co jest nie tak", "What is wrong"),
    "col_expected": ("Co wpisać (jak poprawić)", "What is expected (the likely fix)"),
    "check_changes": ("Co zmieni publikacja", "What publishing would change"),
    "check_no_change": (
        "Bez zmian: arkusz daje bieżące wydanie {version}.",
        "No change: the spreadsheet gives the current release {version}.",
    ),
    "check_release": (
        "Publikacja utworzyłaby wydanie {release} (po wydaniu {current}).",
        "Publishing would make release {release} (after release {current}).",
    ),
    "check_added": ("Dodane: {n}", "Added: {n}"),
    "check_withdrawn": ("Wycofane: {n}", "Withdrawn: {n}"),
    "check_changed": ("Zmienione: {n}", "Changed: {n}"),
    "check_field": ("Pole", "Field"),
    "check_old": ("Było", "Was"),
    "check_new": ("Będzie", "Will be"),
    "check_other_data": (
        "Żaden rekord nie zostanie dodany, wycofany ani zmieniony; zmienią się inne dane.",
        "No record is added, withdrawn or changed; other data changes.",
    ),
    "check_too_large": (
        "Przesłane pliki są za duże; razem mogą mieć najwyżej {mb} MB.",
        "The files are too large; together they may have at most {mb} MB.",
    ),
    "check_no_files": (
        "Nie wybrano pliku; wybierz skoroszyt albo pliki CSV.",
        "No file was chosen; choose a workbook or CSV files.",
    ),
    "check_too_many": ("Za dużo plików; wyślij najwyżej {n}.", "Too many files; send at most {n}."),
    "check_bad_type": (
        "Nie można sprawdzić plików: {names}. Wyślij skoroszyt .xlsx lub .ods albo pliki .csv.",
        "These files cannot be checked: {names}. Send an .xlsx or .ods workbook or .csv files.",
    ),
    "check_one_workbook": (
        "Wyślij jeden skoroszyt (wszystkie tabele w jego arkuszach) albo same pliki CSV.",
        "Send one workbook (every table in its sheets) or CSV files only.",
    ),
    "check_missing_csv": (
        "wyślij także plik {file} (wszystkie tabele naraz) albo cały skoroszyt",
        "send {file} too (every table at once) or the whole workbook",
    ),
    "check_same_names": ("Dwa pliki mają tę samą nazwę.", "Two files have the same name."),
    "check_timeout": (
        "Sprawdzenie nie skończyło się w ciągu {seconds} s i zostało przerwane; spróbuj za chwilę.",
        "The check did not finish within {seconds} s and was stopped; try again in a moment.",
    ),
    "check_limits": (
        "Pliku nie dało się sprawdzić w granicach {mb} MB pamięci i {seconds} s; czy to na pewno zestawienie? "
        "Zapisz je ponownie z arkusza i spróbuj jeszcze raz.",
        "The file could not be checked within {mb} MB of memory and {seconds} s; is it the summary? "
        "Save it again from the spreadsheet and retry.",
    ),
    "check_busy": (
        "Trwają inne sprawdzenia; spróbuj ponownie za kilka sekund.",
        "Other checks are running; try again in a few seconds.",
    ),
    "check_failed": (
        "Sprawdzenie nie powiodło się z powodu ustawień serwera; powiadom administratora.",
        "The check failed because of the server's settings; tell the administrator.",
    ),
    "publish_heading": ("Publikacja", "Publishing"),
    "publish_sign_in": ("Zaloguj się, aby publikować", "Sign in to publish"),
    "publish_name": ("Nazwa", "Name"),
    "publish_token": ("Klucz dostępu", "Access token"),
    "publish_sign_in_button": ("Zaloguj", "Sign in"),
    "publish_signed_in": ("Zalogowano jako {who}.", "Signed in as {who}."),
    "publish_sign_out": ("Wyloguj", "Sign out"),
    "publish_button": ("Opublikuj", "Publish"),
    "publish_ready": (
        "Arkusz jest poprawny. Po kliknięciu „Opublikuj” zostanie opublikowany jako nowe wydanie.",
        "The spreadsheet is valid. “Publish” publishes it as a new release.",
    ),
    "publish_done": (
        "Opublikowano wydanie {release} (poprzednie: {previous}).",
        "Published release {release} (previous: {previous}).",
    ),
    "publish_unchanged": (
        "Treść się nie zmieniła; bieżące pozostaje wydanie {release}.",
        "The content did not change; release {release} stays current.",
    ),
    "undo_done": (
        "Cofnięto publikację: opublikowano wydanie {release} z treścią wydania {restored} (poprzednie: {previous}).",
        "Publication undone: published release {release} with the content of {restored} (previous: {previous}).",
    ),
    "undo_button": ("Cofnij ostatnią publikację", "Undo the last publication"),
    "undo_text": (
        "Cofnięcie publikuje ponownie treść wydania sprzed bieżącego; nic nie jest usuwane.",
        "Undoing publishes the content of the release before the current one again; nothing is deleted.",
    ),
    "publish_log": ("Dziennik publikacji", "Publication log"),
    "log_time": ("Kiedy (UTC)", "When (UTC)"),
    "log_who": ("Kto", "Who"),
    "log_action": ("Co", "What"),
    "log_files": ("Pliki (SHA-256)", "Files (SHA-256)"),
    "log_release": ("Wydanie", "Release"),
    "action_publish": ("publikacja", "publish"),
    "action_rollback": ("cofnięcie", "undo"),
    "publish_signed_out": (
        "Sesja wygasła albo nie zalogowano się; zaloguj się ponownie.",
        "The session expired or you are not signed in; sign in again.",
    ),
    "publish_csrf": (
        "Formularz jest nieaktualny; otwórz stronę sprawdzania ponownie.",
        "The form is out of date; open the check page again.",
    ),
    "publish_attempts": (
        "Zbyt wiele nieudanych prób logowania; spróbuj ponownie za {seconds} s.",
        "Too many failed sign-ins; try again in {seconds} s.",
    ),
    "publish_bad_token": ("Nieprawidłowa nazwa lub klucz dostępu.", "Wrong name or access token."),
    "publish_no_pending": (
        "Nie ma sprawdzonego arkusza do opublikowania; sprawdź go ponownie.",
        "There is no checked spreadsheet to publish; check it again.",
    ),
    "publish_failed": (
        "Publikacja nie powiodła się; nic nie zmieniono. Sprawdź arkusz ponownie.",
        "Publishing failed; nothing was changed. Check the spreadsheet again.",
    ),
    "undo_failed": ("Nie można cofnąć publikacji: {message}", "The publication cannot be undone: {message}"),
    # The change record between releases (/changes, /changes/{version}) and 410 Gone.
    "changes_title": ("Zmiany w danych", "Changes in the data"),
    "changes_intro": (
        "Każde wydanie danych ma wersję: datę i skrót zawartości. Tu widać, co zmieniło się między wydaniami.",
        "Every release of the data has a version: its date and a short content hash. This page shows what "
        "changed between releases.",
    ),
    "changes_version": ("Wersja", "Version"),
    "changes_date": ("Data", "Date"),
    "changes_summary": ("Co się zmieniło", "What changed"),
    "changes_pruned": ("nie jest już przechowywane", "no longer kept"),
    "changes_withdrawn_all": ("Wpisy wycofane", "Withdrawn records"),
    "changes_withdrawn_intro": (
        "Ich adresy URI nadal działają: odpowiadają „410 Gone” z datą wycofania.",
        "Their URIs still work: they answer “410 Gone” with the date of withdrawal.",
    ),
    "changes_name": ("Nazwa", "Name"),
    "changes_kind": ("Rodzaj", "Kind"),
    "changes_withdrawn_in": ("Wycofano w wydaniu", "Withdrawn in release"),
    "changes_previous": ("Poprzednie wydanie", "Previous release"),
    "changes_first": ("Pierwsze wydanie.", "First release."),
    "changes_added": ("Dodane", "Added"),
    "changes_withdrawn": ("Wycofane", "Withdrawn"),
    "changes_changed": ("Zmienione przestrzenie", "Changed spaces"),
    "changes_field": ("Pole", "Field"),
    "changes_old": ("Poprzednio", "Before"),
    "changes_new": ("Teraz", "Now"),
    "changes_none": ("brak", "none"),
    "changes_json": ("Ten zapis jako JSON", "This record as JSON"),
    "changes_files": ("Pliki tego wydania", "Files of this release"),
    "changes_all": ("Wszystkie wydania", "All releases"),
    "changes_release_gone": (
        "To wydanie nie jest już przechowywane na serwerze.",
        "This release is no longer kept on the server.",
    ),
    "gone_title": ("Wpis wycofany", "Record withdrawn"),
    "gone_text": (
        "Ten wpis był opublikowany, ale został wycofany z danych.",
        "This record was published, but has been withdrawn from the data.",
    ),
    "gone_when": (
        "Wycofano w wydaniu {version} z dnia {date}; ostatnio był w wydaniu {last}.",
        "Withdrawn in release {version} of {date}; last present in release {last}.",
    ),
}

# Opening-hours day codes (schema.org form) in each language.
DAYS = {
    "Mo": ("pon.", "Mon"),
    "Tu": ("wt.", "Tue"),
    "We": ("śr.", "Wed"),
    "Th": ("czw.", "Thu"),
    "Fr": ("pt.", "Fri"),
    "Sa": ("sob.", "Sat"),
    "Su": ("niedz.", "Sun"),
}


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Polish form of a noun after the number ``n``: 1 sala, 2–4 sale, 5–21 sal, 22–24 sale, …

    >>> [f"{n} {plural(n, 'miejsce', 'miejsca', 'miejsc')}" for n in (0, 1, 2, 5, 12, 21, 22, 104, 112)]
    ['0 miejsc', '1 miejsce', '2 miejsca', '5 miejsc', '12 miejsc', '21 miejsc', '22 miejsca', '104 miejsca', '112 miejsc']
    """
    if n == 1:
        return one
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return few
    return many


def people(n: int) -> str:
    """The Polish word for 'people' after the number ``n``.

    >>> [f"{n} {people(n)}" for n in (1, 3, 5, 12, 22, 24, 25, 100)]
    ['1 osoba', '3 osoby', '5 osób', '12 osób', '22 osoby', '24 osoby', '25 osób', '100 osób']
    """
    return plural(n, "osoba", "osoby", "osób")


def text(key: str, lang: str, **values: object) -> str:
    """The interface text ``key`` in ``lang``, with ``{name}`` fields filled in.

    >>> text("results_count", "en", n=3), text("people_n", "pl", n=24)
    ('Rooms found: 3', '24 osoby')
    >>> [text("results_count", "pl", n=n) for n in (0, 1, 3, 5, 22)]
    ['Nie znaleziono żadnej sali', 'Znaleziono 1 salę', 'Znaleziono 3 sale', 'Znaleziono 5 sal', 'Znaleziono 22 sale']
    """
    if key == "results_count" and values.get("n") == 0:
        key = "results_none"
    pl, en = TEXTS[key]
    n = values.get("n")
    if isinstance(n, int):
        # Polish nouns after a number: "{people}" and "{rooms}" (accusative: znaleziono 1 salę).
        values.setdefault("people", people(n))
        values.setdefault("rooms", plural(n, "salę", "sale", "sal"))
    template = en if lang == "en" else pl
    return template.format(**values) if values else template


def opening_hours(value: str, lang: str) -> str:
    """Write schema.org opening hours with the day names of ``lang``.

    >>> opening_hours("Mo-Fr 10:00-18:00, Sa 10:00-14:00", "pl")
    'pon.–pt. 10:00–18:00, sob. 10:00–14:00'
    """
    index = 1 if lang == "en" else 0
    parts = []
    for part in value.split(","):
        words = []
        for word in part.split():
            days = word.split("-")
            if all(d in DAYS for d in days):
                words.append("–".join(DAYS[d][index] for d in days))
            else:
                words.append(word.replace("-", "–"))
        parts.append(" ".join(words))
    return ", ".join(parts)
