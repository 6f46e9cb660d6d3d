"""Varied honest texts for bench/trust_seed.py: product reviews and ideas, in English (about
three in four) and French, generated from sentence templates with many fillers.

The point is that two honest members never write near-duplicates by accident, as in life: a
review is three to seven sentences (a tenth are short: a word on who writes and two
sentences; three in ten others start with such a word too), each drawn from 6 to 25
templates per language and sentiment with one to three slots of 10 to 50 fillers each, plus
numbers, so two reviews sharing most of their word runs (what the near-duplicate detector
looks for) is vanishingly rare. What a faked crowd posts (one text with small edits) is made
by ``edited``.

Pure: a ``random.Random`` in, strings out.
"""

from __future__ import annotations

import random
import re

FEATURES_EN = (
    "the calendar sync", "offline mode", "the reporting dashboard", "the mobile app", "search",
    "the notification settings", "the API", "export to CSV", "the onboarding tour",
    "customer support", "two-factor login", "the tagging system", "bulk editing",
    "the Slack integration", "recurring tasks", "the kanban board", "dark mode",
    "the invoice templates", "time tracking", "the shared inbox", "keyboard shortcuts",
    "the browser extension", "file previews", "the comment threads", "permissions",
    "the weekly summary e-mail", "the import wizard", "custom fields", "the timeline view",
    "version history", "the audit log", "single sign-on", "the Gantt chart", "reminders",
    "the desktop client", "attachments", "the budget view", "guest access", "the templates",
    "the mentions", "the filters", "the activity feed", "the print layout", "webhooks",
    "the translation of the interface", "the accessibility options", "the undo button",
    "the spreadsheet view", "automatic backups", "the status page",
)
POSITIVE_EN = (
    "fast", "reliable", "intuitive", "well thought out", "snappy", "clean", "solid",
    "pleasant to use", "straightforward", "polished", "dependable", "flexible",
    "surprisingly powerful", "easy to learn", "quick to set up", "rock solid", "thoughtful",
    "a real time saver", "consistent", "smooth", "refreshingly simple", "handy", "sturdy",
    "well documented", "responsive",
)
NEGATIVE_EN = (
    "slow", "clunky", "confusing", "buggy", "unreliable", "cluttered", "limited",
    "hard to find", "half finished", "sluggish", "inconsistent", "frustrating",
    "poorly documented", "fiddly", "broken on my phone", "awkward", "laggy", "rigid",
    "overcomplicated", "flaky",
)
TASKS_EN = (
    "planning sprints", "tracking invoices", "sharing notes with clients", "onboarding new hires",
    "running our food bank rota", "managing a small bakery", "keeping the band's gigs in order",
    "coordinating volunteers", "writing my thesis", "organising the school trip",
    "following up with leads", "preparing monthly reports", "tracking renovation costs",
    "running a two-person design studio", "booking rehearsal rooms", "handling support tickets",
    "managing a community garden", "logging lab experiments", "scheduling shifts at the cafe",
    "planning our wedding", "keeping the family budget", "tracking my freelance hours",
    "managing the football club", "organising a hackathon", "running a book club",
    "planning content for our blog", "keeping inventory for an online shop",
    "coordinating a house move", "following a long research project", "running a choir",
    "sharing recipes with my sister", "preparing tax documents", "tracking job applications",
    "managing the parish newsletter", "planning a conference", "coaching a swim team",
)
WHO_EN = (
    "my team", "our three designers", "the whole office", "my partner and I", "our accountant",
    "the night shift", "my students", "our two interns", "the sales people", "my co-founder",
    "the volunteers", "our support crew", "my manager", "the kitchen staff", "our lab",
    "my whole family", "the board", "the marketing folks", "our field technicians", "my clients",
)
WHEN_EN = (
    "every morning", "twice a week", "during month-end closing", "on the train",
    "late at night", "on Fridays", "before every meeting", "at the end of each sprint",
    "whenever a client calls", "on weekends", "between classes", "during the busy season",
    "first thing on Monday", "while travelling", "at lunch", "every evening",
)
TOOLS_EN = (
    "spreadsheets", "Trello", "a paper notebook", "Asana", "our old CRM", "e-mail threads",
    "sticky notes", "a whiteboard", "Notion", "a shared drive", "Google Sheets", "Basecamp",
    "an in-house script", "text files", "Jira", "Excel macros", "a wall calendar", "WhatsApp",
)
PLACES_EN = (
    "on a weak hotel connection", "in the mountains", "on my old laptop", "on the bus",
    "with forty tabs open", "on a tablet", "in airplane mode", "on the office wifi",
    "abroad", "on a borrowed computer",
)
ISSUES_EN = (
    "the sync dropped my edits twice", "the app logged me out every day",
    "exports came out with broken accents", "reminders arrived an hour late",
    "the search missed obvious matches", "attachments over 10 MB failed silently",
    "the page froze when I pasted a table", "notifications went to the wrong person",
    "the mobile app crashed on start", "my filters reset after every update",
    "the invoice numbers skipped", "dates showed in the wrong time zone",
)
MISSING_EN = (
    "a proper offline mode", "better keyboard support", "a way to archive old projects",
    "a cheaper plan for small teams", "an export to PDF", "more control over notifications",
    "a Linux client", "recurring invoices", "a read-only guest role", "a calendar feed",
    "bulk import from CSV", "custom colours", "sub-tasks", "a dark theme on mobile",
)
PERSONS_EN = (
    "my brother", "a colleague", "my neighbour", "a friend who runs a shop", "my old boss",
    "our treasurer", "a former classmate", "my aunt", "the coach", "another freelancer",
)
DRINKS_EN = ("coffee", "tea", "soup", "hot chocolate")
MEMORY_EN = ("my last filter", "where I left off", "the column widths", "my preferred view",
             "the last project I opened", "my draft")

POS_EN = (
    "We use it for {task} and {feature} has been {pos} from day one.",
    "{Feature} is {pos}, which matters when {who} work on it {when}.",
    "Moving over from {tool} took {who} about {n} days, mostly to get used to {feature}.",
    "What sold me was {feature}: it saves me {n} minutes {when}.",
    "Setup was {pos}; I had {feature} running before my {drink} got cold.",
    "Support answered my question about {feature} within {n} hours.",
    "I like that {feature} just works, even {place}.",
    "{Who} now rely on it for {task}.",
    "The price is fair for what {feature} and {feature2} give you.",
    "Compared with {tool}, {feature} feels {pos}.",
    "After the last update {feature} became noticeably better.",
    "It handles {task} without fuss, and {feature2} is a nice bonus.",
    "My favourite detail is how {feature} remembers {memory}.",
    "I recommended it to {person}, who now uses it for {task}.",
    "Honestly, {feature} alone is worth the subscription.",
    "{Feature} and {feature2} together replaced {tool} for us.",
    "We tried {n} other tools before this one and none got {feature} right.",
    "It took me {n} minutes to show {who} how {feature} works.",
    "Even {person} found {feature} {pos} on the first try.",
    "Five stars for {feature}, which is {pos} {when}.",
    "Our {task} went from chaos to calm thanks to {feature}.",
    "I was sceptical, but {feature} turned out {pos}.",
    "The small touches, like {feature}, show that the team listens.",
    "{Feature} made {task} a lot less painful for {who}.",
    "Since we switched, nobody at home misses {tool}.",
)
NEG_EN = (
    "{Feature} is {neg} and it slows down {task}.",
    "Since the last update {feature} has been {neg}.",
    "I reported a problem with {feature} {n} weeks ago and nothing changed.",
    "Last month {issue}, which is frustrating {when}.",
    "For the price I expected {feature} to be less {neg}.",
    "We are thinking of going back to {tool} because of {feature}.",
    "{Who} gave up on {feature} after {n} days.",
    "Twice this week {issue}.",
    "The idea is good, but {feature} is {neg} {place}.",
    "Support took {n} days to answer about {feature}.",
    "I still cannot understand why {feature} is so {neg}.",
    "It is fine for {task}, as long as you avoid {feature}.",
    "We lost an afternoon because {issue}.",
    "{Feature} and {feature2} both feel {neg} next to {tool}.",
    "Please fix {feature}: {who} complain about it {when}.",
    "Without {missing} it is hard to recommend for {task}.",
    "One star off because {issue}.",
    "The trial looked great, then {feature} turned out {neg}.",
    "Half of {who} still keep {tool} open next to it.",
    "I expected {missing} by now.",
)
MIX_EN = (
    "{Feature} is {pos} but {feature2} is {neg}.",
    "It does the job for {task}, though {feature} could be better.",
    "Not bad overall; I mainly miss {missing}.",
    "Good for {task}, less so when {who} need {feature}.",
    "{Feature} is {pos}, except {place}, where it gets {neg}.",
    "A solid choice if you can live without {missing}.",
    "We use about half of it, mostly {feature} and {feature2}.",
    "Some days {feature} is {pos}, some days {issue}.",
    "It beats {tool}, but not by as much as I hoped.",
    "Worth a try for {task}; keep {tool} around for now.",
)
TITLES_EN = (
    "{Pos} for {task}", "Good for {task}", "Mixed feelings about {feature}",
    "{Feature} needs work", "Better than {tool}", "Our go-to for {task}",
    "Does what it says", "Not there yet", "Great, apart from {feature}", "Worth it for {feature}",
    "After {n} months", "Honest review from {who}", "Fine for {task}", "Disappointed by {feature}",
)

OPENERS_EN = (
    "Small agency here, {n} people.", "Quick review after {n} weeks.", "Team of {n} here.",
    "Writing this from the train.", "Long-time lurker, first review.", "Teacher here.",
    "Freelance translator, so mostly solo use.", "We are a non-profit with {n} volunteers.",
    "Used on Windows and Android.", "Mac and iPhone user.", "Two months in, {n} projects.",
    "Short version:", "Context: a {n}-person bakery.", "I manage {n} people.",
    "Updating my earlier opinion.", "Honest take after the trial.", "From a parent's view.",
    "IT admin perspective.", "Student, so budget matters.", "Running a shop with {n} staff.",
    "My old laptop copes fine.", "Came here via a colleague.",
    "Week {n} of using it daily.", "Retired, using it for the club.", "Consultant, {n} clients.",
)
OPENERS_FR = (
    "Petite agence de {n} personnes.", "Avis rapide après {n} semaines.",
    "Équipe de {n} ici.", "Premier avis, je lis le forum depuis longtemps.", "Prof ici.",
    "Traductrice indépendante, usage surtout solo.", "Asso de {n} bénévoles.",
    "Sur Windows et Android.", "Utilisateur Mac et iPhone.", "En bref :",
    "Contexte : une boulangerie de {n} personnes.", "Je gère {n} personnes.",
    "Je mets à jour mon avis.", "Avis honnête après l'essai.", "Point de vue de parent.",
    "Côté admin informatique.", "Étudiant, donc le prix compte.",
    "Une boutique avec {n} salariés.", "Semaine {n} d'usage quotidien.",
    "Retraité, pour le club.", "Consultante, {n} clients.",
)

FEATURES_FR = (
    "la synchronisation du calendrier", "le mode hors ligne", "le tableau de bord",
    "l'application mobile", "la recherche", "les notifications", "l'API", "l'export CSV",
    "la prise en main", "le support client", "la double authentification", "les étiquettes",
    "la modification en masse", "l'intégration Slack", "les tâches récurrentes",
    "le tableau kanban", "le mode sombre", "les modèles de facture", "le suivi du temps",
    "la boîte partagée", "les raccourcis clavier", "l'extension du navigateur",
    "les aperçus de fichiers", "les fils de commentaires", "les droits d'accès",
    "le résumé hebdomadaire", "l'assistant d'import", "les champs personnalisés",
    "la vue chronologique", "l'historique des versions", "les rappels", "le client de bureau",
    "les pièces jointes", "la vue budget", "l'accès invité", "les filtres",
)
POSITIVE_FR = (
    "rapide", "fiable", "intuitive", "bien pensée", "agréable", "solide", "simple",
    "soignée", "efficace", "pratique", "claire", "réactive", "très complète",
    "facile à prendre en main", "bien documentée", "stable",
)
NEGATIVE_FR = (
    "lente", "confuse", "buggée", "peu fiable", "encombrée", "limitée", "mal fichue",
    "frustrante", "mal documentée", "capricieuse", "instable", "pénible sur téléphone",
)
TASKS_FR = (
    "la gestion de nos factures", "l'organisation des bénévoles", "le suivi de mes clients",
    "la préparation des rapports mensuels", "le planning de l'équipe", "la gestion du club de foot",
    "le suivi de mon chantier", "l'organisation de notre mariage", "la comptabilité de l'asso",
    "le suivi de mes heures de freelance", "la gestion du stock de la boutique",
    "la rédaction de ma thèse", "l'organisation de la chorale", "le suivi des candidatures",
    "la gestion de la boulangerie", "la préparation des cours", "les plannings de l'hôpital",
    "l'organisation du festival", "le jardin partagé", "les réservations du gîte",
)
WHO_FR = (
    "mon équipe", "nos deux graphistes", "tout le bureau", "ma compagne et moi",
    "notre comptable", "mes élèves", "les stagiaires", "les commerciaux", "mon associé",
    "les bénévoles", "le service client", "ma cheffe", "toute la famille", "le bureau de l'asso",
)
WHEN_FR = (
    "tous les matins", "deux fois par semaine", "en fin de mois", "dans le train",
    "tard le soir", "le vendredi", "avant chaque réunion", "le week-end", "entre deux cours",
    "en pleine saison", "le lundi matin", "en déplacement",
)
TOOLS_FR = (
    "des tableurs", "Trello", "un carnet papier", "Asana", "notre ancien CRM",
    "des fils d'e-mails", "des post-it", "un tableau blanc", "Notion", "un dossier partagé",
    "Excel", "un script maison", "Jira", "WhatsApp",
)
ISSUES_FR = (
    "la synchro a perdu mes modifications deux fois", "l'appli me déconnecte tous les jours",
    "les exports sortent avec des accents cassés", "les rappels arrivent avec une heure de retard",
    "la recherche rate des résultats évidents", "les pièces jointes de plus de 10 Mo échouent",
    "l'appli mobile plante au démarrage", "les dates s'affichent dans le mauvais fuseau",
)
MISSING_FR = (
    "un vrai mode hors ligne", "un export PDF", "une offre moins chère pour les petites équipes",
    "des sous-tâches", "un rôle invité en lecture seule", "un flux de calendrier",
    "l'import en masse depuis un CSV", "plus de réglages pour les notifications",
)
POS_FR = (
    "On l'utilise pour {task} et {feature} est {pos} depuis le premier jour.",
    "Ce qui m'a convaincu, c'est {feature} : je gagne {n} minutes {when}.",
    "Passer de {tool} à cet outil a pris {n} jours à {who}.",
    "Le support a répondu à ma question sur {feature} en {n} heures.",
    "J'aime que {feature} marche tout simplement, même en déplacement.",
    "Le prix est correct pour ce qu'apportent {feature} et {feature2}.",
    "Par rapport à {tool}, {feature} est vraiment {pos}.",
    "Depuis la dernière mise à jour, {feature} est encore plus {pos}.",
    "Je l'ai conseillé à un ami qui s'en sert pour {task}.",
    "Franchement, {feature} vaut à lui seul l'abonnement.",
    "{Who} s'en servent maintenant pour {task}.",
    "Il m'a fallu {n} minutes pour montrer {feature} à {who}.",
    "J'étais sceptique, mais {feature} s'est révélée {pos}.",
    "{Feature} a rendu {task} beaucoup moins pénible.",
    "Les petits détails comme {feature} montrent que l'équipe écoute.",
)
NEG_FR = (
    "{Feature} est {neg} et ralentit {task}.",
    "Depuis la dernière mise à jour, {feature} est {neg}.",
    "J'ai signalé un souci avec {feature} il y a {n} semaines, rien n'a bougé.",
    "Le mois dernier {issue}, c'est agaçant {when}.",
    "Pour ce prix, je m'attendais à ce que {feature} soit moins {neg}.",
    "On pense revenir à {tool} à cause de {feature}.",
    "{Who} ont abandonné {feature} au bout de {n} jours.",
    "Deux fois cette semaine, {issue}.",
    "Sans {missing}, difficile de le conseiller pour {task}.",
    "Une étoile en moins parce que {issue}.",
    "Le support a mis {n} jours à répondre au sujet de {feature}.",
)
MIX_FR = (
    "{Feature} est {pos} mais {feature2} est {neg}.",
    "Ça fait le travail pour {task}, même si {feature} pourrait être mieux.",
    "Pas mal dans l'ensemble ; il me manque surtout {missing}.",
    "Un bon choix si on peut se passer de {missing}.",
    "On en utilise la moitié, surtout {feature} et {feature2}.",
    "Mieux que {tool}, mais moins que je l'espérais.",
)
TITLES_FR = (
    "Bien pour {task}", "Mitigé sur {feature}", "{Feature} à revoir", "Mieux que {tool}",
    "Indispensable pour {task}", "Fait le travail", "Pas encore au point",
    "Très bien, sauf {feature}", "Après {n} mois", "Avis honnête",
)

# Ideas: a title and three to five sentences.
IDEA_VERBS = (
    "Export", "Import", "Filter", "Share", "Schedule", "Archive", "Sync", "Search", "Tag",
    "Sort", "Print", "Translate", "Merge", "Duplicate", "Pin", "Hide", "Group", "Rename",
    "Preview", "Lock", "Colour-code", "Bulk-edit", "Star", "Snooze", "Link", "Restore",
    "Compare", "Subscribe to", "Embed", "Approve",
)
IDEA_OBJECTS = (
    "invoices", "reports", "projects", "tasks", "contacts", "dashboards", "comments",
    "attachments", "calendars", "notes", "templates", "teams", "budgets", "timesheets",
    "orders", "products", "tickets", "surveys", "documents", "playlists", "milestones",
    "receipts", "checklists", "forms", "folders", "labels", "boards", "sprints", "goals",
    "expenses", "shifts", "bookings", "events", "clients", "suppliers", "quotes", "leads",
    "meetings", "rooms", "assets",
)
IDEA_CONTEXTS = (
    "to CSV", "from the mobile app", "by date", "with my team", "in dark mode", "offline",
    "in bulk", "by e-mail", "on a schedule", "with keyboard shortcuts", "from Slack", "as PDF",
    "in French", "across workspaces", "with a public link", "by colour", "from the calendar",
    "per client", "per project", "from the browser extension", "with guests", "by priority",
    "from a template", "on the home screen", "in the weekly summary", "with an API call",
    "from the search results", "by owner", "in the timeline", "with one click", "per month",
    "without losing comments", "from an old version", "for the whole organisation",
    "by due date", "in the print layout", "on a tablet", "with reminders", "per team",
    "from a spreadsheet",
)
IDEA_SENTENCES = (
    "Every {weekday} {who} spend about {n} minutes doing this by hand.",
    "Today we work around it with {tool}, which breaks whenever {event}.",
    "Our accountant asks for this {when}, and {feature} does not help.",
    "It would help a lot with {task}, especially {when}.",
    "Right now {feature} gets in the way of {task}.",
    "{Who} asked me about it {n} times this month.",
    "We moved from {tool} last year and this is what {who} miss most.",
    "Ideally it would also respect {feature} and {feature2}.",
    "A setting per workspace would be enough for {who}.",
    "Without it, {task} takes {n} steps instead of one.",
    "This matters most {when}, when {who} have no time to spare.",
    "Happy to test an early version with {who} on {weekday}.",
    "Bonus points if it works {place}, where {feature} already does.",
    "Our customers ask for it {when}, {n} times last quarter alone.",
    "{Tool} does this out of the box, which is why {who} still keep it.",
    "I tried combining {feature} and {feature2}, but {issue}.",
    "For {task} this would save {who} roughly {n} hours a month.",
    "Last {weekday} {issue}, and this would have avoided it.",
    "{Person} suggested it after using {feature} for {task}.",
    "It could live next to {feature}, so {who} find it {when}.",
    "We would even pay more for it if it covered {task}.",
    "The closest thing today is {feature}, which is {neg} for this.",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
EVENTS_EN = ("someone renames a column", "the export format changes", "a colleague is away",
             "the token expires", "a file is too big", "two people edit at once")

_SLOT = re.compile(r"\{(\w+)\}")


class Writer:
    """Fills templates from one ``random.Random``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _fill(self, template: str, lang: str, extra: dict | None = None) -> str:
        rng = self.rng
        en = lang == "en"
        features = FEATURES_EN if en else FEATURES_FR
        first = rng.choice(features)
        second = rng.choice(features)
        while second == first:
            second = rng.choice(features)
        values = {
            "feature": first, "feature2": second,
            "pos": rng.choice(POSITIVE_EN if en else POSITIVE_FR),
            "neg": rng.choice(NEGATIVE_EN if en else NEGATIVE_FR),
            "task": rng.choice(TASKS_EN if en else TASKS_FR),
            "who": rng.choice(WHO_EN if en else WHO_FR),
            "when": rng.choice(WHEN_EN if en else WHEN_FR),
            "tool": rng.choice(TOOLS_EN if en else TOOLS_FR),
            "place": rng.choice(PLACES_EN),
            "issue": rng.choice(ISSUES_EN if en else ISSUES_FR),
            "missing": rng.choice(MISSING_EN if en else MISSING_FR),
            "person": rng.choice(PERSONS_EN),
            "drink": rng.choice(DRINKS_EN),
            "memory": rng.choice(MEMORY_EN),
            "weekday": rng.choice(WEEKDAYS),
            "event": rng.choice(EVENTS_EN),
            "n": str(rng.choice((2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 45))),
        }
        if extra:
            values.update(extra)

        def replace(match: re.Match) -> str:
            name = match.group(1)
            value = values[name.lower()]
            return value[:1].upper() + value[1:] if name[:1].isupper() else value

        return _SLOT.sub(replace, template)

    def review(self, rating: int, lang: str, short: bool = False) -> tuple[str, str]:
        """(title, body) of an honest review with this rating."""
        rng = self.rng
        en = lang == "en"
        pos, neg, mix = (POS_EN, NEG_EN, MIX_EN) if en else (POS_FR, NEG_FR, MIX_FR)
        if rating >= 4:
            pools, weights = (pos, mix, neg), (8, 2, 0.3 if rating == 4 else 0.1)
        elif rating == 3:
            pools, weights = (pos, mix, neg), (3, 5, 3)
        else:
            pools, weights = (pos, mix, neg), (0.3, 2, 8)
        count = 2 if short else rng.randint(3, 7)
        sentences, used = [], set()
        if short or rng.random() < 0.3:  # a word on who writes: short reviews always have one
            sentences.append(self._fill(rng.choice(OPENERS_EN if en else OPENERS_FR), lang))
            count += 1
        while len(sentences) < count:
            pool = rng.choices(pools, weights=weights)[0]
            template = rng.choice(pool)
            if template in used:
                continue
            used.add(template)
            sentences.append(self._fill(template, lang))
        title = self._fill(rng.choice(TITLES_EN if en else TITLES_FR), lang)
        return title[:120], " ".join(sentences)

    def claim(self, months: int, lang: str) -> str:
        """A true sentence about how long the writer has used the product."""
        if lang == "fr":
            unit = "ans" if months >= 24 and months % 12 == 0 else "mois"
            amount = months // 12 if unit == "ans" else months
            return self.rng.choice((f"J'utilise ce produit depuis {amount} {unit}.",
                                    f"Client depuis {amount} {unit}, je le recommande."))
        if months >= 24 and months % 12 == 0:
            amount, unit = months // 12, "years"
        else:
            amount, unit = months, "months"
        return self.rng.choice((f"I have been using it for {amount} {unit}.",
                                f"We have been customers for {amount} {unit} now.",
                                f"I've used it for {amount} {unit} at work."))

    def idea(self) -> tuple[str, str]:
        """(title, body) of an idea: three to five sentences."""
        rng = self.rng
        title = (f"{rng.choice(IDEA_VERBS)} {rng.choice(IDEA_OBJECTS)} "
                 f"{rng.choice(IDEA_CONTEXTS)}")
        count = rng.randint(3, 5)
        chosen = rng.sample(IDEA_SENTENCES, count)
        return title, " ".join(self._fill(s, "en") for s in chosen)


def edited(text: str, rng: random.Random, edits: int) -> str:
    """``text`` with ``edits`` small changes a copier makes: a word swapped for another, a
    word dropped, or two neighbours swapped."""
    words = text.split(" ")
    fillers = ("really", "very", "truly", "so", "quite", "just", "also", "honestly")
    for _ in range(edits):
        if len(words) < 6:
            break
        at = rng.randrange(1, len(words) - 1)
        move = rng.random()
        if move < 0.45:
            words[at] = rng.choice(fillers)
        elif move < 0.75:
            del words[at]
        else:
            words[at], words[at + 1] = words[at + 1], words[at]
    return " ".join(words)
