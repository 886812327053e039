"""Danger and "I want a person" detection, checked before any matching.

Rules are written in plain folded spelling (see ``bot.normalize.fold``) and
compiled to skeleton form, so they meet Cyrillic, Latin-letter Bulgarian,
missing diacritics and the usual spelling variants. A rule is a sequence of
slots; each slot lists word prefixes separated by ``|`` and must occur in
order, at most ``GAP`` words after the previous slot. ``A & B`` means both
sequences occur anywhere in the message.

Informational questions ("is it legal that my boss keeps a copy of my
passport?") do not match: rules ask for what happened or is happening
(took, hit, nowhere to sleep *tonight*), not for the topic.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.normalize import skeleton_word, words

GAP = 4

# --- concept word lists (folded spelling; prefixes) ----------------------------
TOOK = (
    "took|taken|confiscat|afgepakt|ingenomen|afgenomen|zabral|zabrali|zabrala|odebral|zabiera|"
    "luat|luata|vzel|vzeha|vze|vzela|zadarzh|elvett|elvette|elvettek|paeme|paemi|atieme|panem|atnem|"
    "zobral|vzal|vzali|sebral|uzeo|uzela|uzeli|oduzeo|oduzel|zabrav|zabraly|vidibrav|otobral|holds|"
    "withhold|trzyma|tine|drzi|tart|nem adja|nu ne da|nu vrea sa|ne vrashta|nechce vratit|ne vraca|"
    "wont give back|will not give back|doesnt give back|not give back|refuses to give|niet terug|"
    "zatrzymal mi|zatrzymala mi|zatrzymali mi|zatrzymal moj|zatrzymala moj|zatrzymali moj|"
    "zatrzymuje mi|zatrzymuje moj|retinut|imi retine|ne retine|mi a retinut|zadrzal|zadrzali|"
    "zadrzuje|zadrzao|zadrzava|zadrzel|tryma|trymaie|zabraly|laiko|pasilaike|patur|paturejis|"
    "visszatart|nalam van|nala van|nem adjak vissza|ne vrashtat|nevrati|nevracia|nechteji vratit"
)
DOCUMENT = (
    "passport|paspoort|paszport|dowod|pasaport|buletin|pasport|pasporti|lichna|utlevel|szemely|"
    "pasas|pase|pasu|putovnic|osobn|identiteitskaart|id card|documents|dokument|acte|actele|papiere|"
    "pas|pasy|pasa|pasport|id kaart|ausweis|dokumenty|doklady|doklad|isprave|dokumente|papiery"
)
VIOLENCE = (
    "hit me|beat me|beats me|beaten|punched|slapped|hurt me|strangl|sloeg|slaat me|geslagen|mishandel|"
    "uderzyl|uderzyla|pobil|bije mnie|bil mnie|batut|ma bate|lovit|udari me|udaril|udarih|bie me|bi me|prebi|"
    "megutott|megvert|ver engem|sumuse|trenke|musa|sita|piekava|udrel|zbil|bije ma|uhodil|bije me|"
    "udario|udarila|tuce|pretukao|vdaryv|pobyv|byie|bie mene|hiding|hide|zamknieta|zamknuta|zamcena|"
    "zakljucan|locked me|zaklyuch|"
    "hit my|hit him|hit her|hit us|beat my|beat him|beat her|beat us|beating|attacked|assault|"
    "raped|rape|sexually|touches me|groped|sloeg mijn|slaat ons|sloeg hem|sloeg haar|aangerand|"
    "verkracht|bije nas|bil nas|pobili|napadl|zgwalc|molest|ne bate|ne-a batut|l-a batut|a batut|"
    "violat|agresat|bie ni|bie nas|biyat|prebiha|iznasil|megvertek|megutotte|megeroszak|"
    "sumuse|isprievart|sita mus|izvaro|zbil nas|bije nas|znasil|bije nas|tukao|pretukli|silovao|"
    "silova|byly nas|pobyly|zgvaltuv|hrozi nas bit"
)
SELF_HARM = (
    "kill myself|end my life|suicid|dont want to live|do not want to live|zelfmoord|niet meer leven|"
    "zabic sie|samobojst|nie chce zyc|sinucid|vreau sa mor|nu mai vreau sa traiesc|samoubi|"
    "ne iskam da zhiveya|ne iskam da jiveq|ongyilk|nem akarok elni|megolom magam|nusizud|nenoriu gyventi|"
    "pasnavib|negribu dzivot|zabit sa|samovrazd|nechcem zit|zabit se|sebevrazd|nechci zit|neco udelam|"
    "si neco udelam|ubiti se|ubit cu se|ne zelim zivjeti|samohubst|vbyty sebe|ne khochu zhyty|"
    "want to die|wanna die|end it all|take my life|hurt myself|cut myself|no reason to live|"
    "better off dead|kill my self|wil dood|een eind aan maken|mezelf iets aandoen|zelfdoding|"
    "mezelf van kant|skonczyc ze soba|ze soba skonczyc|odebrac sobie zycie|chce umrzec|zabije sie|"
    "powiesic sie|nie ma sensu zyc|sa ma omor|ma omor|sa mi iau viata|imi iau viata|vreau sa dispar|"
    "iskam da umra|da se ubiya|shte se ubiya|shte se samoubiya|meg akarok halni|vegzek magammal|"
    "meghalni akarok|noriu mirti|atimti sau gyvybe|gribu nomirt|nogalinat sevi|chcem zomriet|"
    "zabijem sa|chci umrit|zabiju se|zelim umrijeti|ubit cu se|khochu pomerty|pokinchyty z soboiu|"
    "pokinchu z soboiu|ne khochu zhyty"
)
NOWHERE = (
    "nowhere to sleep|nowhere to go|no place to sleep|on the street|kicked me out|kicked us out|"
    "thrown out|nergens slapen|op straat|geen slaapplek|slaapt in|slapen in|in zijn auto|in the car|in his car|in my car|w aucie|w samochodzie|in masina|v kolata|nie mam gdzie spac|"
    "nie mam gdzie spac|nie mam gdzie|wyrzucil|wyrzucili|na ulicy|nu am unde|in strada|pe strada|"
    "dat afara|aruncat|niamam kade|nyamam kade|nqmam kade|niama kade|na ulicata|spia na|spya na|"
    "izgoniha|izgoni|utcan|nincs hol|kidobt|neturiu kur|gatveje|nav kur|uz ielas|nemam kde|na ulici|"
    "vyhodil|nemam gdje|izbacio|na vulytsi|nema de|vyhnaly"
)
NOW = (
    "tonight|today|right now|this night|its freezing|freezing|cold|raining|rain|vannacht|vanavond|"
    "vandaag|vriest|koud|dzis|dzisiaj|teraz|w nocy|zimno|pada|diseara|in seara|noaptea|azi|acum|frig|"
    "ploua|dnes|tazi nosht|sega|studeno|vali|ma ejjel|ma este|most|hideg|siandien|sianakt|salta|sodien|"
    "sonakt|auksti|dnes vecer|zima|noc|veceras|danas|nocas|hladno|sohodni|vnochi|zaraz|kholodno"
)
THREAT = (
    "threaten|threat|deport|bedreig|dreigt|grozi|grozil|ameninta|amenint|zaplashv|zaplash|fenyeget|"
    "grasin|draud|vyhraz|vyhroz|prijeti|prijetio|pohrozh|zahroz|pogroz|deportir|deportuo|deportal|"
    "kitoloncol|zatvor|prison|jail|vezen|bortone|inchisoare|gevangenis|wiezienie|"
    "kill us|kill me|will kill|gonna kill|going to kill|kill you|vermoorden|vermoordt|maakt ons af|"
    "zabije nas|zabije mnie|zabic nas|te omor|ne omoara|o sa ne omoare|te omoara|shte ni ubie|"
    "shte me ubie|shte te ubie|megol minket|megol engem|nuzudys|nogalinas|zabije nas|zabije ma|"
    "zabiju nas|zabije me|ubit ce nas|ubit ce me|ubiti nas|vbye nas|vbie nas|vbie mene"
)
NOT_LEAVE = (
    "not letting us leave|dont let us leave|wont let us leave|cant leave|laat ons niet|"
    "nie pozwala nam|nie pozwalaja nam|nie mamy jak|nu ne lasa|ne ni puska|ne puskat|ne ni pusk|nem enged|"
    "neleidzia|nelauj|nepusti|nepousti|ne pusta|ne dopusta|ne vidpusk|ne vidpuskaie|tine intr|"
    "locked in|opgesloten|zamkniec|zamkniet|"
    "lock us|locked us|locks us|lock the door|cannot leave|cant go out|cannot go out|not allowed to leave|"
    "sluit ons op|sloot ons op|mogen niet weg|niet weg mogen|nie mozemy wyjsc|nie wolno nam wyjsc|"
    "zamykaja nas|zamkneli nas|nu putem iesi|nu avem voie sa iesim|ne inchid|ne-au inchis|"
    "zaklyuchvat|zaklyuchiha|ne mozhem da izlezem|ne ni pozvolyavat|bezarnak|nem mehetunk ki|"
    "uzrakina|negalime iseiti|aizslez|nevaram iziet|zamykaju nas|zamkli nas|nemozeme odist|"
    "nesmieme odist|zamykaji nas|zavreli nas|nemuzeme odejit|nesmime odejit|zakljucavaju nas|"
    "zakljucali su nas|ne smijemo izaci|ne mozemo izaci|zachyniaiut nas|zamykaiut nas|"
    "ne vypuskaiut|ne mozhemo vyity|zamkol nas|nas zamkol|nas zamkli|zamkol ma|zamkla nas|zamkli nas|zamkl nas|zamkl me|"
    "zamknal nas|zamknela nas|zaklyuchi ni|a incuiat|ne-a incuiat|ne incuie|locked the door on us|"
    "sloot de deur|zakljucao nas|zakljucao me|zachynyv nas"
)
NO_PAY = (
    "without pay|no pay|unpaid|not paid|zonder loon|zonder salaris|niet betaald|bez wyplat|bez pieniedzy|"
    "bez zaplaty|nie placi|fara bani|fara niciun ban|fara salariu|nu ne plateste|bez pari|ne ni plashtat|"
    "ne plashta|fizetes nelkul|nem fizet|be atlyginim|nemoka|bez algas|nemaksa|bez vyplaty|neplati|"
    "bez vyplaty|bez place|ne placa|ne plaka|bez oplaty|ne platyt|ne platyt"
)
DURATION = "weeks|months|weken|maanden|tygodni|miesiac|saptaman|luni|sedmitsi|mesetsa|het|honap|savait|menes|nedel|tyzd|tyzn|mesic|mjesec|tyzhn|misyats"
CHILD = "child|kid|kind|kinderen|dziecko|dzieci|copil|copii|dete|detsa|gyerek|vaik|berns|dieta|deti|dite|dijete|djeca|dytyna|dity"
ALONE = "alone|alleen|sam|sama|samo|sami|singur|singuri|egyedul|vienas|vieni|viens|odna|odyn"
WANT = (
    "want|need|would like|wil|wil graag|chce|chcial|potrzebuj|vreau|vrem|am nevoie|iskam|iskame|trqbva|"
    "tryabva|szeretnek|akarok|noriu|reikia|gribu|vajag|chcem|potrebujem|chci|potrebuji|zelim|trebam|"
    "khochu|potribno|mozhna|let me|connect me|give me|"
    "hocu|htio bih|htjela bih|as vrea|doresc|moze li|mozhe li|noreciau|gribetu|chcel by|chcela by|"
    "chtel bych|chtela bych|khotiv by|khotila b|can i|kan ik|czy moge|pot sa|moga li|mogu li"
)
TALK = (
    "talk|speak|chat|praten|spreken|rozmawia|porozmawia|pogadac|mowic|vorbesc|vorbi|vorbim|govorya|"
    "govoria|razgovar|beszel|kalbet|pasikalbet|runat|parunat|hovorit|porozpr|mluvit|promluv|razgovarat|"
    "pricat|porazgovara|pohovoryt|rozmovl|spilkuv|contact"
)
HUMAN = (
    "person|human|real person|somebody real|mens|persoon|medewerker|czlowiek|osoba|konsultant|om|"
    "persoana|operator|chovek|chovekat|ember|emberrel|zmog|cilvek|clovek|covjek|covjekom|lyudyn|operator|"
    "bridge worker|brugwerker|someone|somebody|iemand|kogos|kims|cineva|niakoi|nyakoi|nyakoy|"
    "valaki|kazkuo|kadu|niekym|nekym|nekim|nekoga|kymos|consultant|konsultant|doradc|osob|"
    "pracownik|medewerk|angajat|sluzhitel|munkatars|darbuotoj|darbinie|pracovnik|zaposlen|"
    "spivrobitnyk"
)
NOT_BOT = (
    "not a bot|not with a bot|geen bot|nie z botem|nu cu un bot|ne s bot|ne bot|nie bot|nem bot|"
    "not a robot|not a machine|geen robot|niet met een robot|nie z robotem|nie robot|nu cu un robot|"
    "nu cu robotul|ne s robot|ne robot|nem robot|nem geppel|ne su robotu|ne ar robotu|nie s robotom|"
    "ne s robotem|ne s robotom|ne z botom|ne z robotom|bez bota|bez robota"
)
NOT_URGENT = "not urgent|niet dringend|nie pilne|nu e urgent|ne e speshno|nem surgos|nespesne|neni nalehave|nije hitno|ne terminovo"
# having had nothing to eat: urgent on its own; merely hungry: with days, children or no money
NO_FOOD = (
    "no food|nothing to eat|havent eaten|have not eaten|didnt eat|not eaten|geen eten|niets te eten|"
    "niet gegeten|nie jadlem|nie jedlismy|nie jadla|nie mam co jesc|nie mamy co jesc|brak jedzenia|"
    "n am mancat|nu am mancat|nu am ce manca|nu avem ce manca|n avem mancare|nu avem mancare|"
    "nyamam kakvo da yam|nqmam kakvo da qm|nyama kakvo da yadem|ne sam yal|ne sme yali|nqmame hrana|"
    "nyamame hrana|nincs mit ennem|nincs mit ennunk|nem ettem|nem ettunk|neturiu ka valgyti|"
    "nevalgiau|nevalgem|nav ko est|neesmu edis|nemam co jest|nemame co jest|nejedol|nejedli|"
    "nemam co jist|nemame co jist|nejedl|nemam sto jesti|nemamo sto jesti|nisam jeo|nisam jela|"
    "nismo jeli|nemaie shcho yisty|nemaiemo shcho yisty|ne yiv|ne yila|ne ily|"
    "doesnt give us food|dont give us food|no food for us|geeft ons geen eten|krijgen geen eten|"
    "nie daje nam jedzenia|nie dostajemy jedzenia|nu ne da mancare|nu ne dau mancare|"
    "ne ni dava hrana|ne ni davat hrana|nem ad enni|neduoda valgyti|nedod est|nedava nam jedlo|"
    "nedavaju nam jedlo|nedava nam jidlo|nedavaji nam jidlo|ne daje nam hranu|ne daju nam hranu|"
    "ne dayut yisty|ne daie yisty"
)
HUNGRY = (
    "hungry|starving|honger|uitgehongerd|glodn|glodu|flamanz|foame|gladen|gladni|ehes|ehezunk|"
    "alkan|izsalc|hladny|hladni|hladovi|hladov|hladuj|gladan|gladuj|golod|holodn"
)
DAYS = "days|dagen|dni|dnia|zile|zi|dena|dni|napja|napig|napok|dienas|dienu|dni|dnu|dana|dniv|dnya"
NO_MONEY = (
    "no money|geen geld|bez pieniedzy|nie mam pieniedzy|fara bani|nu am bani|nyamam pari|nqmam pari|"
    "bez pari|nincs penzem|neturiu pinigu|nav naudas|nemam peniaze|nemam penize|nemam novca|"
    "nemaie hroshei|bez hroshei"
)
DOMESTIC = (
    "husband|wife|partner|boyfriend|man|vrouw|maz|zona|partner|sotul|sotia|sotia|mazh|sapruga|"
    "zhena|ferjem|felesegem|vyras|zmona|virs|manzel|manzelka|suprug|chol|cholovik|druzhyna|"
    "vriend|at home|thuis|w domu|acasa|vkashti|doma|otthon|namuose|majas|kod kuce|vdoma"
)


@dataclass(frozen=True, slots=True)
class Danger:
    # "passport" | "violence" | "self-harm" | "homeless" | "hunger" | "forced-labour" | "child"
    # | "explicit"
    category: str
    urgent: bool
    safety_entry: str | None


Alternative = tuple[str, ...]


class _Concept:
    """The alternatives of one concept, indexed by their first word for a fast scan."""

    def __init__(self, spec: str) -> None:
        self.by_first: dict[str, list[Alternative]] = {}
        for alt in spec.split("|"):
            toks = tuple(skeleton_word(w) for w in alt.split() if w)
            if toks:
                self.by_first.setdefault(toks[0], []).append(toks)
        self.prefix_lengths = sorted({len(k) for k in self.by_first if len(k) >= 4})

    def starts(self, token: str) -> list[Alternative]:
        """Alternatives whose first part fits ``token`` (whole word if short, else prefix)."""
        found = list(self.by_first.get(token, ()))
        for n in self.prefix_lengths:
            if n >= len(token):
                break
            found.extend(self.by_first.get(token[:n], ()))
        return found


def _fits(token: str, part: str) -> bool:
    """Short parts must match a whole word; longer ones are prefixes."""
    return token == part if len(part) < 4 else token.startswith(part)


def _has(tokens: list[str], concept: _Concept) -> bool:
    return bool(_where(tokens, concept, first=True))


def _where(tokens: list[str], concept: _Concept, first: bool = False) -> list[int]:
    """Where the concept's alternatives start in ``tokens`` (only the first if ``first``)."""
    found: list[int] = []
    for i, token in enumerate(tokens):
        for alt in concept.starts(token):
            if len(alt) == 1:
                if len(alt[0]) >= 2:
                    found.append(i)
                    if first:
                        return found
                    break
                continue
            pos = i
            for part in alt[1:]:
                end = min(len(tokens), pos + 1 + GAP)
                nxt = next((j for j in range(pos + 1, end) if _fits(tokens[j], part)), None)
                if nxt is None:
                    break
                pos = nxt
            else:
                found.append(i)
                if first:
                    return found
                break
    return found


_C = {
    name: _Concept(value)
    for name, value in {
        "took": TOOK,
        "document": DOCUMENT,
        "violence": VIOLENCE,
        "self_harm": SELF_HARM,
        "nowhere": NOWHERE,
        "now": NOW,
        "threat": THREAT,
        "not_leave": NOT_LEAVE,
        "no_pay": NO_PAY,
        "duration": DURATION,
        "child": CHILD,
        "alone": ALONE,
        "want": WANT,
        "talk": TALK,
        "human": HUMAN,
        "not_bot": NOT_BOT,
        "not_urgent": NOT_URGENT,
        "domestic": DOMESTIC,
        "no_food": NO_FOOD,
        "hungry": HUNGRY,
        "days": DAYS,
        "no_money": NO_MONEY,
    }.items()
}


NEAR = 8  # "I want … to talk … to a person": the three within this many words of each other


def _near(tokens: list[str], concepts: tuple[str, ...]) -> bool:
    """All the concepts occur within ``NEAR`` words of each other (so that a long message
    mentioning a wish, a talk and a colleague in different sentences is no request)."""
    spots = [_where(tokens, _C[name]) for name in concepts]
    if not all(spots):
        return False
    for start in spots[0]:
        if all(any(abs(p - start) <= NEAR for p in places) for places in spots[1:]):
            return True
    return False


def detect(text: str) -> Danger | None:
    """The most serious danger the message speaks of, or None."""
    tokens = [skeleton_word(w) for w in words(text)]
    if not tokens:
        return None
    has = lambda concept: _has(tokens, _C[concept])  # noqa: E731
    if has("self_harm"):
        return Danger("self-harm", True, "health.emergency")
    if has("violence"):
        entry = "help.domestic-violence" if has("domestic") else "contracts.exploitation"
        return Danger("violence", True, entry)
    if has("child") and has("alone"):
        return Danger("child", True, "health.emergency")
    if has("took") and has("document"):
        return Danger("passport", True, "contracts.exploitation")
    if has("not_leave") or has("threat") or (has("no_pay") and has("duration")):
        return Danger("forced-labour", True, "contracts.exploitation")
    if has("no_food") or (
        has("hungry") and (has("days") or has("child") or has("no_money") or has("duration"))
    ):
        return Danger("hunger", True, None)
    if has("nowhere") and has("now"):
        return Danger("homeless", True, "housing.homeless")
    asks_person = has("not_bot") or _near(tokens, ("want", "talk", "human"))
    if asks_person and not has("not_urgent"):
        return Danger("explicit", False, "help.bridge-worker")
    return None
