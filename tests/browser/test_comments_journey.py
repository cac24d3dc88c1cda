import re
from importlib import import_module

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from comments.models import Comment
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

MIGRATION = import_module("comments.migrations.0002_moderator_group_permissions")
BODY = "Une analyse nuancée, merci.\n\nJ'attends la suite avec intérêt."


def make_moderator():
    """The Modérateur group as the data migration makes it (transactional tests
    empty the tables, so it is made again here)."""
    group, _ = Group.objects.get_or_create(name=MIGRATION.GROUP)
    group.permissions.set(
        Permission.objects.get(content_type__app_label="comments", codename=codename)
        for _model, codename in MIGRATION.PERMISSIONS
    )
    user = User.objects.create_user(
        "moderateur", "moderateur@example.org", "moderateur-demo", is_staff=True
    )
    user.groups.add(group)
    return user


def comments_of(page):
    return page.get_by_role("region", name=re.compile("ommentaire"))


def test_reader_posts_moderator_approves_everyone_sees_it(
    live_server, browser, context, page, settings
):
    """A reader posts and sees the thank-you notice and their pending comment;
    another reader does not see it; a moderator approves it in the admin; both
    readers then see it."""
    settings.COMMENTS_FORM_MIN_SECONDS = 0
    article = make_article(title="Le retour des trains de nuit")
    make_moderator()
    url = live_server.url + article.get_absolute_url()

    page.goto(url)
    form = page.get_by_role("form", name="Laisser un commentaire")
    expect(form).to_be_visible()
    form.get_by_label("Nom").fill("Camille")
    form.get_by_label("E-mail").fill("camille@example.org")
    form.get_by_label("Commentaire").fill(BODY)
    form.get_by_role("button", name="Publier le commentaire").click()

    expect(page).to_have_url(re.compile(r"#commentaires$"))
    block = comments_of(page)
    expect(block.get_by_role("status")).to_have_text(
        "Merci ! Votre commentaire est en attente de modération."
    )
    mine = block.locator(".comment--pending")
    expect(mine).to_contain_text("Une analyse nuancée, merci.")
    expect(mine).to_contain_text("en attente de modération")

    other_context = browser.new_context(locale="fr-FR")
    try:
        other = other_context.new_page()
        other.goto(url)
        # The form shows once the per-reader state has loaded.
        expect(other.get_by_role("form", name="Laisser un commentaire")).to_be_visible()
        expect(comments_of(other).get_by_text("Une analyse nuancée")).to_have_count(0)
        expect(comments_of(other).get_by_role("heading", level=2)).to_have_text(
            "Commentaires"
        )

        admin_context = browser.new_context(locale="fr-FR")
        admin = admin_context.new_page()
        admin.goto(live_server.url + "/admin/comments/comment/")
        admin.locator("#id_username").fill("moderateur")
        admin.locator("#id_password").fill("moderateur-demo")
        admin.locator("input[type=submit]").click()
        row = admin.locator("#result_list tbody tr", has_text="Une analyse nuancée")
        expect(row).to_contain_text("Pré-modération.")
        row.locator("input[name=_selected_action]").check()
        admin.locator("select[name=action]").select_option("approve")
        admin.locator("button[name=index]").click()
        expect(admin.locator(".messagelist")).to_contain_text("1 commentaire approuvé.")
        admin_context.close()

        assert Comment.objects.get().status == Comment.Status.APPROVED
        for reader in (page, other):
            reader.reload()
            block = comments_of(reader)
            expect(block.get_by_role("heading", level=2)).to_have_text("1 commentaire")
            published = block.locator("article.comment", has_text="Une analyse nuancée")
            expect(published).to_be_visible()
            expect(published.locator(".comment__body p")).to_have_count(2)
            expect(block.locator(".comment--pending")).to_have_count(0)
    finally:
        other_context.close()


def test_reply_link_moves_the_form_under_the_comment(live_server, page, settings):
    """ "Répondre" puts the form under the comment and the reply is posted as a
    reply to it."""
    settings.COMMENTS_FORM_MIN_SECONDS = 0
    article = make_article()
    parent = Comment.objects.create(
        article=article,
        name="Hélène",
        email="helene@example.org",
        body="Qui finance ces lignes ?",
        status=Comment.Status.APPROVED,
    )
    page.goto(live_server.url + article.get_absolute_url())
    form = page.get_by_role("form", name="Laisser un commentaire")
    expect(form).to_be_visible()
    page.get_by_role("link", name="Répondre à Hélène").click()
    expect(form.get_by_text("En réponse à Hélène")).to_be_visible()
    expect(form.get_by_label("Commentaire")).to_be_focused()
    form.get_by_label("Nom").fill("Paul")
    form.get_by_label("E-mail").fill("paul@example.org")
    form.get_by_label("Commentaire").fill("L'État et les régions.")
    form.get_by_role("button", name="Publier le commentaire").click()
    pending = page.locator(".comment-replies .comment--pending")
    expect(pending).to_contain_text("L'État et les régions.")
    assert Comment.objects.get(name="Paul").parent == parent
