"""Demo content: the seed article, the Olaf Scholz article it links to, and a
few dozen generated articles over several sections, with lead images drawn
locally by Pillow. Loading is idempotent: rows are found by slug first."""

import random
from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from ..models import Article, Author, Byline, RelatedLink, Section, Tag
from . import seed_article

PARIS = ZoneInfo("Europe/Paris")

# username, password, group, index of the Author the account writes as.
DEMO_ACCOUNTS = [
    ("journaliste", "journaliste-demo", "Journaliste", 0),
    ("editeur", "editeur-demo", "Éditeur", 1),
    ("moderateur", "moderateur-demo", "Modérateur", None),
]

SECTIONS = [
    ("International", "L'actualité du monde, des crises aux sommets diplomatiques."),
    ("Politique", "La vie politique française, au Parlement et au gouvernement."),
    ("Économie", "Entreprises, emploi, marchés et pouvoir d'achat."),
    ("Société", "Éducation, santé, justice et vie quotidienne."),
    ("Culture", "Cinéma, livres, musique, expositions et spectacles."),
    ("Sciences", "Recherche, espace, climat et technologies."),
    ("Sport", "Compétitions, clubs et athlètes."),
]

AUTHORS = [
    (
        "Claire Dumont",
        "Journaliste au service International, spécialiste de l'Europe de l'Est.",
    ),
    ("Mehdi Benali", "Chef du service Politique."),
    ("Sophie Laurent", "Journaliste économique, suit l'industrie et l'emploi."),
    ("Julien Moreau", "Reporter Société, couvre l'éducation et la santé."),
    ("Inès Garcia", "Critique et journaliste Culture."),
    ("Thomas Nguyen", "Journaliste Sciences et environnement."),
    ("Léa Rousseau", "Journaliste Sport."),
]

TAGS = [
    "Russie",
    "Ukraine",
    "OTAN",
    "Diplomatie",
    "Union européenne",
    "Élections",
    "Assemblée nationale",
    "Emploi",
    "Inflation",
    "Énergie",
    "Éducation",
    "Santé",
    "Cinéma",
    "Littérature",
    "Climat",
    "Espace",
    "Football",
    "Jeux olympiques",
]

TITLES = {
    "International": [
        "À Bruxelles, les Vingt-Sept cherchent une voix commune face à Moscou",
        "Au Sahel, la fin d'une opération militaire redessine la région",
        "Washington et Pékin renouent un dialogue commercial prudent",
        "L'ONU appelle à un cessez-le-feu humanitaire",
        "En Amérique latine, une vague électorale inattendue",
        "Le sommet de l'OTAN s'ouvre sur fond de tensions",
    ],
    "Politique": [
        "Le gouvernement présente sa réforme des retraites au Conseil des ministres",
        "À l'Assemblée, une commission d'enquête sur le prix de l'énergie",
        "Municipales : les grandes villes entrent en campagne",
        "Le Sénat adopte le projet de loi sur la décentralisation",
        "Budget : le débat sur la dette reprend au Parlement",
        "Un nouveau parti veut séduire les abstentionnistes",
    ],
    "Économie": [
        "L'inflation ralentit mais les prix alimentaires restent élevés",
        "Les constructeurs automobiles accélèrent sur l'électrique",
        "Le chômage recule pour le troisième trimestre consécutif",
        "Énergie : les factures d'électricité vont-elles encore augmenter ?",
        "Les start-up françaises lèvent moins de fonds",
        "Le commerce de proximité face à la vente en ligne",
    ],
    "Société": [
        "À l'école, le retour de l'uniforme fait débat",
        "Les déserts médicaux gagnent du terrain dans les campagnes",
        "Logement : les jeunes actifs peinent à se loger en ville",
        "La justice des mineurs en question",
        "Vélo : les villes moyennes rattrapent leur retard",
        "Les bénévoles, piliers discrets des associations",
    ],
    "Culture": [
        "Au Festival de Cannes, un premier film crée la surprise",
        "Rentrée littéraire : cinq romans à ne pas manquer",
        "Le Louvre prépare une grande exposition sur la couleur",
        "Les salles de concert retrouvent leur public",
        "Bande dessinée : Angoulême couronne une autrice",
        "Le théâtre de rue investit les places de village",
    ],
    "Sciences": [
        "Une sonde européenne s'approche de Jupiter",
        "Climat : l'année la plus chaude jamais mesurée en France",
        "Des chercheurs français font avancer la fusion nucléaire",
        "Intelligence artificielle : ce que change la nouvelle loi européenne",
        "Les abeilles sauvages, sentinelles de la biodiversité",
        "Un vaccin à ARN contre le paludisme entre en essai clinique",
    ],
    "Sport": [
        "Le XV de France s'impose au bout du suspense",
        "Ligue des champions : une soirée européenne mémorable",
        "Tour de France : le parcours dévoilé, la montagne à l'honneur",
        "Handball : les Bleues visent un nouveau titre",
        "Athlétisme : un record de France tombe à Paris",
        "Tennis : une jeune Française en quart de finale",
    ],
}

SENTENCES = [
    "Les observateurs s'accordent sur un point : rien n'est encore joué.",
    "Plusieurs responsables ont salué une décision attendue depuis des mois.",
    "Sur le terrain, la situation reste contrastée selon les régions.",
    "Les chiffres publiés cette semaine confirment une tendance amorcée l'an dernier.",
    "Interrogés par notre rédaction, plusieurs acteurs appellent à la prudence.",
    "Le calendrier, lui, reste serré et laisse peu de place à l'improvisation.",
    "Les débats devraient se poursuivre dans les prochaines semaines.",
    "Pour les spécialistes, il s'agit d'un tournant plus que d'une rupture.",
    "Cette évolution s'inscrit dans un contexte international incertain.",
    "Les premiers concernés attendent désormais des mesures concrètes.",
    "Une réunion de suivi est prévue avant la fin du mois.",
    "Le sujet divise jusque dans les rangs de la majorité.",
]

PALETTES = [
    ((31, 58, 96), (176, 0, 27)),
    ((20, 83, 45), (201, 162, 39)),
    ((60, 42, 90), (230, 120, 60)),
    ((12, 74, 110), (94, 196, 182)),
    ((90, 30, 40), (240, 200, 150)),
    ((40, 40, 40), (200, 60, 60)),
    ((16, 60, 80), (250, 230, 140)),
]


def lead_image(title: str, seed: int, size=(1600, 900)) -> ContentFile:
    """A JPEG drawn locally: a gradient, a few shapes and the title."""
    rng = random.Random(seed)
    top, accent = PALETTES[seed % len(PALETTES)]
    image = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(image)
    width, height = size
    for y in range(0, height, 4):
        t = y / height
        colour = tuple(int(top[i] * (1 - t) + accent[i] * t * 0.6) for i in range(3))
        draw.rectangle([0, y, width, y + 4], fill=colour)
    for _ in range(6):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(60, 260)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=accent, width=8)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 56)
    except OSError:
        font = ImageFont.load_default(size=56)
    words, lines, line = title.split(), [], ""
    for word in words:
        if len(line) + len(word) > 32:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for i, text in enumerate(lines[:4]):
        draw.text(
            (80, height - 120 - 72 * (len(lines[:4]) - 1 - i)),
            text,
            font=font,
            fill=(255, 255, 255),
        )
    out = BytesIO()
    image.save(out, "JPEG", quality=88)
    return ContentFile(out.getvalue(), name=f"{slugify(title)[:50]}.jpg")


def paragraphs(rng: random.Random, count: int) -> str:
    return "\n".join(
        f"<p>{escape(' '.join(rng.sample(SENTENCES, 4)))}</p>" for _ in range(count)
    )


def _article(slug, **fields):
    """Create the article once; on later runs leave it as it is."""
    article = Article.objects.filter(slug=slug).first()
    if article:
        return article, False
    image = fields.pop("image", None)
    article = Article(slug=slug, **fields)
    if image:
        article.lead_image.save(image.name, image, save=False)
    article.save()
    return article, True


@transaction.atomic
def load_demo(stdout=None) -> dict:
    """Load the demo content; returns how many rows of each kind were created."""
    created = {"sections": 0, "authors": 0, "tags": 0, "articles": 0}
    sections = {}
    for order, (name, description) in enumerate(SECTIONS):
        sections[name], new = Section.objects.get_or_create(
            slug=slugify(name),
            defaults={"name": name, "description": description, "order": order},
        )
        created["sections"] += new
    authors = []
    for name, bio in AUTHORS:
        author, new = Author.objects.get_or_create(
            slug=slugify(name), defaults={"display_name": name, "bio": bio}
        )
        authors.append(author)
        created["authors"] += new
    tags = {}
    for name in TAGS:
        tags[name], new = Tag.objects.get_or_create(
            slug=slugify(name), defaults={"name": name}
        )
        created["tags"] += new

    international = sections[seed_article.SECTION]
    scholz, new = _article(
        slugify(seed_article.RELATED_TITLE),
        title=seed_article.RELATED_TITLE,
        standfirst=(
            "Le chancelier allemand a rencontré le président ukrainien à Kiev avant "
            "de se rendre à Moscou, appelant toutes les parties à la retenue."
        ),
        body=(
            "<p>En visite à Kiev lundi 14 février, le chancelier allemand Olaf Scholz "
            "a assuré l’Ukraine du soutien de l’Allemagne et appelé Moscou à la "
            "désescalade.</p>\n<p>Il s’est ensuite rendu à Moscou pour y rencontrer "
            "Vladimir Poutine, dans une tentative de relancer le dialogue "
            "diplomatique.</p>"
        ),
        section=international,
        status=Article.Status.PUBLISHED,
        published_at=datetime(2022, 2, 15, 9, 0, tzinfo=PARIS),
        image=lead_image(seed_article.RELATED_TITLE, 101),
        lead_image_alt="Illustration : titre de l'article sur la visite d'Olaf Scholz à Kiev",
        lead_image_caption="Olaf Scholz à Kiev, le 14 février 2022.",
        lead_image_credit="Ô Magazine",
    )
    if new:
        created["articles"] += 1
        Byline.objects.create(article=scholz, author=authors[0])
        scholz.tags.set([tags["Ukraine"], tags["Diplomatie"]])

    body = "\n".join(f"<p>{escape(p)}</p>" for p in seed_article.PARAGRAPHS_BEFORE_LINK)
    body += (
        f'\n<p class="inline-related">{escape(seed_article.RELATED_LABEL)} : '
        f'<a href="{scholz.get_absolute_url()}">{escape(seed_article.RELATED_TITLE)}'
        "</a></p>\n"
    )
    body += f"<h2>{escape(seed_article.SUBHEADING)}</h2>\n"
    body += "\n".join(
        f"<p>{escape(p)}</p>" for p in seed_article.PARAGRAPHS_AFTER_SUBHEADING
    )
    seed, new = _article(
        slugify(seed_article.TITLE),
        title=seed_article.TITLE,
        standfirst=seed_article.STANDFIRST,
        body=body,
        section=international,
        status=Article.Status.PUBLISHED,
        published_at=datetime(2022, 2, 16, 11, 30, tzinfo=PARIS),
        image=lead_image(seed_article.TITLE, 100),
        lead_image_alt="Illustration : titre de l'article sur le retrait des troupes russes",
        lead_image_caption="Des blindés russes quittent la Crimée, février 2022.",
        lead_image_credit="Ô Magazine",
    )
    if new:
        created["articles"] += 1
        Byline.objects.create(article=seed, author=authors[0])
        seed.tags.set([tags["Russie"], tags["Ukraine"], tags["OTAN"]])
        RelatedLink.objects.create(article=seed, related=scholz, position=0)

    rng = random.Random(2022)
    start = datetime(2022, 2, 17, 8, 0, tzinfo=PARIS)
    generated = []
    n = 0
    for section_name, titles in TITLES.items():
        for title in titles:
            n += 1
            article, new = _article(
                slugify(title),
                title=title,
                standfirst=" ".join(rng.sample(SENTENCES, 2)),
                body=paragraphs(rng, rng.randint(3, 6)),
                section=sections[section_name],
                status=Article.Status.PUBLISHED,
                published_at=start + timedelta(days=n * 3, hours=rng.randint(0, 10)),
                image=lead_image(title, n),
                lead_image_alt=f"Illustration de l'article « {title} »",
                lead_image_caption=rng.choice(["", "Photo d'illustration."]),
                lead_image_credit="Ô Magazine",
            )
            generated.append(article)
            if not new:
                continue
            created["articles"] += 1
            picked = rng.sample(authors, rng.choice([1, 1, 2]))
            for position, author in enumerate(picked):
                Byline.objects.create(article=article, author=author, position=position)
            article.tags.set(rng.sample(list(tags.values()), 2))
            # Editors' picks among earlier articles; fewer than three gets topped up.
            earlier = generated[:-1]
            for position, related in enumerate(
                rng.sample(earlier, min(len(earlier), rng.randint(0, 2)))
            ):
                RelatedLink.objects.create(
                    article=article, related=related, position=position
                )

    draft, new = _article(
        "brouillon-les-coulisses-de-la-redaction",
        title="Les coulisses de la rédaction (brouillon)",
        standfirst="Un article en cours d'écriture, invisible des lecteurs.",
        body=paragraphs(rng, 2),
        section=sections["Société"],
        status=Article.Status.DRAFT,
    )
    if new:
        created["articles"] += 1
        Byline.objects.create(article=draft, author=authors[3])
    created["users"] = create_demo_users(authors)
    return created


def create_demo_users(authors) -> int:
    """One staff account per newsroom role; the groups get their permissions
    from the editorial workflow."""
    made = 0
    for username, group_name, author in [
        (username, group, authors[index] if index is not None else None)
        for username, _password, group, index in DEMO_ACCOUNTS
    ]:
        group, _ = Group.objects.get_or_create(name=group_name)
        user = User.objects.filter(username=username).first()
        if user is None:
            password = next(p for u, p, _g, _i in DEMO_ACCOUNTS if u == username)
            user = User.objects.create_user(
                username=username, password=password, is_staff=True
            )
            user.groups.add(group)
            made += 1
            if author is not None and author.user_id is None:
                author.user = user
                author.save(update_fields=["user"])
    return made
