"""Word lists in folded form (see ``bot.normalize.fold``).

Function words serve twice: they carry no topic (matching ignores them) and
they are strong evidence of a language (language identification counts
them). Domain keywords are the official Dutch and Belgian words migrants
meet on letters; matching weighs them strongly whatever the language.
"""

from __future__ import annotations

_FUNCTION_WORDS: dict[str, str] = {
    "en": """a an the and or but if of to in on at for from with by about as is are was were be been
        am do does did have has had i me my you your he she it we they them our their this that these
        those what which who whom where when why how can could should would will shall may might must
        not no yes there here so than too very just also get got im dont cant please hi hello any some
        much many more need want after before""",
    "nl": """de het een en of maar als van te in op aan voor met door over bij uit naar om tot is zijn
        was waren ben bent heb hebt heeft hadden ik mij me mijn jij je jou jouw u uw hij zij ze wij we
        ons onze hun dit dat deze die wat wie waar wanneer waarom hoe kan kun kunt moet moeten mag wil
        wordt worden niet geen ja nee er hier dan ook nog wel heel goedendag hallo hoi graag krijg
        weer zo al alles iets iemand zijn haar hem""",
    "pl": """i a o u w we z ze na do od po za przez dla przy jak jaki jaka jakie gdzie kiedy dlaczego
        czy co kto ktory ktora ktore to ten ta te jest sa byl byla bylo mam masz ma mamy maja moge
        mozna musze trzeba sie mi mnie moj moja moje moim ty ciebie twoj on ona ono my nas nasz wy oni
        ich nie tak juz jeszcze tez bo ze zeby ale albo lub dzien dobry czesc witam prosze ile mozesz
        jesli jezeli bede bedzie jakis jakas jakies cos ktos gdzies""",
    "ro": """si sau dar daca de la in pe cu din pentru prin despre ca ce cine unde cand cum de ce este
        e sunt era am ai are avem aveti au eu mie ma mi imi meu mea mei tu tie te ti iti tau ta el ea
        noi ne voi va ei ele lor nu da un o unui unei niste acest aceasta asta ala care cat cati cata
        pot poti poate trebuie vreau buna ziua salut mersi va rog ceva sa se isi il le""",
    "bg": """i ili no ako na v vav s sas za ot do po pri pod nad kak kade kade kude kyde koga zashto
        kakvo koi koya koe koito kolko e sa sam si sme ste bil byl shte ste 6te az mi men moy moya moe
        moite ti teb tvoy toy tya to nie nas nashiya vie vas te tyah ne da li se mozhe moga trqbva
        tryabva iskam imam nyama nqma tuk tuka sega veche zdravei zdrasti molya blagodarya""",
    "hu": """a az es vagy de ha hogy mert is nem igen meg mar csak van vannak volt lesz en te o mi ti
        ok engem nekem neked nekunk az ez azt ezt mit ki hol mikor miert hogyan hogy mennyi melyik
        kell lehet tudok szeretnek jar nekem szia helo kerem koszonom egy egyik""",
    "lt": """ir ar bet jei kad kaip kur kada kodel kas ka kiek koks kokia is i iki su be per apie
        nuo del yra buvo bus esu esi as tu jis ji mes jus jie mano tavo savo man tau mus jums ne taip
        labas sveiki aciu prasau reikia galiu gali noriu""",
    "lv": """un vai bet ja ka kur kad kapec kas ko cik kads kada no uz ar par pie bez pec lidz ir bija
        esmu esi es tu vins vina mes jus vini mans mana tavs tava savs man tev mums jums ne ja sveiki
        labdien paldies ludzu vajag varu var gribu""",
    "sk": """a alebo ale ak ze aby ako kde kedy preco co kto ktory ktora kolko je su bol bola bude som
        si sme ste ja ty on ona my vy oni ma mi mna moj moja moje tvoj nas vas sa si na v vo z zo do od
        po za pre pri o u nie ano uz este aj tiez dobry den ahoj prosim dakujem mozem treba chcem""",
    "cs": """a nebo ale kdyz ze aby jak kde kdy proc co kdo ktery ktera kolik je jsou byl byla bude
        jsem jsi jsme jste ja ty on ona my vy oni me mi mne muj moje tvuj nas vas se si na v ve z ze do
        od po za pro pri o u ne ano uz jeste taky dobry den ahoj prosim dekuji muzu musim chci""",
    "hr": """i ili ali ako da kako gdje kada zasto sto sta tko koji koja koliko je su bio bila bit
        bice sam si smo ste ja ti on ona mi vi oni me mene meni moj moja moje tvoj nas vas se na u s sa
        iz do od po za pri o ne da vec jos isto dobar dan bok molim hvala mogu moram trebam zelim""",
    "uk": """i y ta abo ale yakshcho shcho shchob yak de koly chomu khto yakyi skilky ye buv bula bude ya
        ty vin vona my vy vony mene meni miy moya moye tviy nas vas sya na v u z iz do vid po za pry pro
        ne tak vzhe shche takozh dobryi den pryvit bud laska dyakuyu mozhu treba khochu chy""",
}

FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(text.split()) for lang, text in _FUNCTION_WORDS.items()
}

# Days and moments: "tomorrow" alone says nothing about a topic (a question about the weather
# tomorrow is not about sick pay), in any language. Not function words: language
# identification does not count them.
TIME_WORDS = frozenset(
    [
        "today",
        "tomorrow",
        "yesterday",
        "tonight",
        "now",
        "vandaag",
        "morgen",
        "gisteren",
        "vanavond",
        "vannacht",
        "nu",
        "straks",
        "overmorgen",
        "dzis",
        "dzisiaj",
        "jutro",
        "wczoraj",
        "teraz",
        "azi",
        "astazi",
        "maine",
        "ieri",
        "acum",
        "diseara",
        "dnes",
        "utre",
        "vchera",
        "holnap",
        "tegnap",
        "siandien",
        "rytoj",
        "vakar",
        "sodien",
        "rit",
        "tagad",
        "zajtra",
        "vcera",
        "zitra",
        "ted",
        "danas",
        "sutra",
        "jucer",
        "sada",
        "sohodni",
        "zavtra",
        "vchora",
    ]
)

# Words that never decide a topic, in any language.
STOPWORDS: frozenset[str] = (
    frozenset().union(*FUNCTION_WORDS.values())
    | TIME_WORDS
    | frozenset(["euro", "eur", "eu", "ok", "okay", "pls", "plz", "thx", "tnx", "hey", "yo", "nr"])
)

# Official Dutch/Belgian terms and acronyms: strong evidence for a topic in any language.
KEYWORDS: frozenset[str] = frozenset(
    [
        "bsn",
        "brp",
        "rni",
        "digid",
        "gemeente",
        "uwv",
        "ww",
        "svb",
        "belastingdienst",
        "toeslagen",
        "zorgtoeslag",
        "huurtoeslag",
        "kinderbijslag",
        "kindgebonden",
        "eigen",
        "risico",
        "zorgverzekering",
        "basisverzekering",
        "cak",
        "ehic",
        "a1",
        "sna",
        "snf",
        "vakantiegeld",
        "loonstrook",
        "loonheffingskorting",
        "aangifte",
        "inkomstenbelasting",
        "huisarts",
        "huisartsenpost",
        "ziekmelding",
        "ziektewet",
        "nulurencontract",
        "oproepcontract",
        "minmax",
        "uitzendbureau",
        "uitzendkracht",
        "cao",
        "loon",
        "minimumloon",
        "arbeidsinspectie",
        "fairwork",
        "juridisch",
        "loket",
        "veilig",
        "thuis",
        "huurcommissie",
        "borg",
        "waarborg",
        "huurwaarborg",
        "huurpremie",
        "huursubsidie",
        "groeipakket",
        "mutualiteit",
        "mutualite",
        "ziekenfonds",
        "hziv",
        "caami",
        "rijksregisternummer",
        "rijksregister",
        "identiteitskaart",
        "eid",
        "ocmw",
        "cpas",
        "caw",
        "rva",
        "onem",
        "vdab",
        "interim",
        "uitzendkantoor",
        "unia",
        "schuldhulpverlening",
        "inburgering",
        "nt2",
        "barka",
        "nachtopvang",
        "itsme",
        "kbo",
        "ing",
        "rabobank",
        "abn",
        "bunq",
        "iban",
        "mijnoverheid",
    ]
)
