"""Pagination without COUNT(*): a section of 100,000 articles costs the same
as one of 100. A page fetches one row more than it shows to know whether a
next page exists; readers get "previous / next", not "page 3 of 8,334"."""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404
from django.utils.translation import gettext as _

# The largest OFFSET a database accepts (a signed 64-bit integer).
MAX_OFFSET = 2**63 - 1


class CountlessPage:
    def __init__(self, object_list, number, has_next):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1


class CountlessPaginator:
    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True):
        self.object_list = object_list
        self.per_page = int(per_page)
        self.allow_empty_first_page = allow_empty_first_page

    @property
    def num_pages(self):
        # ListView asks for it only for ?page=last, which has no cheap answer.
        raise Http404(_("Page inconnue."))

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(
                _("Le numéro de page n'est pas un entier.")
            ) from error
        if number < 1:
            raise EmptyPage(_("Le numéro de page est inférieur à 1."))
        if number > MAX_OFFSET // self.per_page:
            # Its OFFSET would overflow the database's integers: no such page.
            raise EmptyPage(_("Cette page ne contient aucun résultat."))
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(_("Cette page ne contient aucun résultat."))
        return CountlessPage(rows[: self.per_page], number, len(rows) > self.per_page)
