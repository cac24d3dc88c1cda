"""Newsroom users and admin form posts for the editorial tests."""

import importlib
from html.parser import HTMLParser

from django.contrib.auth.models import Group, Permission, User

from articles.models import Article
from tests.factories import make_article, make_author

PASSWORD = "mot-de-passe-de-test"


def newsroom_group(name: str) -> Group:
    """The role's group as the data migration makes it; made again with its
    permissions when a live-server test has flushed the database."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        migration = importlib.import_module("articles.migrations.0005_newsroom_groups")
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="articles",
                codename__in=migration.ROLES[name],
            )
        )
    return group


def draft_of(user, **fields) -> Article:
    """A draft the user started and signs."""
    return make_article(
        status=Article.Status.DRAFT,
        published_at=None,
        created_by=user,
        authors=[user.author],
        **fields,
    )


def make_user(role: str | None, *, username=None, author=True, **fields) -> User:
    """A staff user in the newsroom group `role` (None: staff without a group),
    with an Author profile so that their bylines are theirs."""
    username = username or f"{(role or 'staff').lower()}-{User.objects.count() + 1}"
    user = User.objects.create_user(
        username=username, password=PASSWORD, is_staff=True, **fields
    )
    if role:
        user.groups.add(newsroom_group(role))
    if author:
        make_author(display_name=f"Signature {username}", slug=username, user=user)
    return user


class _FormScraper(HTMLParser):
    """The fields of one <form> as a browser would send them (no button)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self._textarea = self._select = None
        self._selected = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(a["name"], []).append(a.get("value", default))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data.setdefault(a["name"], []).append("")
        elif tag == "select":
            self._select, self._selected = a["name"], []
            self.data.setdefault(a["name"], [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea:
            value = self.data[self._textarea][-1] + data
            # Browsers drop the newline that follows <textarea>.
            self.data[self._textarea][-1] = value.removeprefix("\n")

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False


def scrape_form(html: str, form_id="article_form") -> dict:
    parser = _FormScraper(form_id)
    parser.feed(html)
    return {k: v if len(v) != 1 else v[0] for k, v in parser.data.items()}


def change_url(article: Article) -> str:
    return f"/admin/articles/article/{article.pk}/change/"


ADD_URL = "/admin/articles/article/add/"


def admin_form(client, url, **changes) -> dict:
    """What the admin form at url would post, with `changes` typed in."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = scrape_form(response.content.decode())
    data.update(changes)
    return data
