"""Integers that arrive in a request: ids in addresses and forms, page
numbers, filter values.

Two things go wrong with a number someone typed or scripted. Python refuses to
convert a string of more than 4,300 digits (``sys.int_max_str_digits``) and
raises ValueError; and a number beyond a 64-bit integer cannot be sent to the
database (SQLite's driver raises OverflowError). Both used to be server
errors. Everything here checks the length before converting and the range
before any query, so such a number is just "not found", "not a valid choice"
or "not a number".
"""

from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In
from django.urls.converters import IntConverter

# The range of a signed 64-bit integer: the widest integer column in SQLite
# and PostgreSQL (bigint), so also the widest primary key.
BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1
# Enough digits for any bigint; longer text is refused before int() sees it.
MAX_DIGITS = len(str(BIGINT_MAX))


def parse_int(value, *, min_value=BIGINT_MIN, max_value=BIGINT_MAX, max_digits=MAX_DIGITS):
    """The integer written in ``value`` (ASCII digits with an optional sign,
    surrounding whitespace ignored), or None when it is not one, has more
    than ``max_digits`` digits, or falls outside [min_value, max_value]."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        if not isinstance(value, str):
            return None
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not (0 < len(digits) <= max_digits and digits.isascii() and digits.isdigit()):
            return None
        number = int(text)
    if min_value is not None and number < min_value:
        return None
    if max_value is not None and number > max_value:
        return None
    return number


def parse_id(value):
    """A primary key: a positive bigint, or None."""
    return parse_int(value, min_value=1)


class IdConverter(IntConverter):
    """``<id:pk>`` in a URL pattern: a positive bigint, else the pattern does
    not match (a 404 without a query)."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value):
        number = parse_id(value)
        if number is None:
            raise ValueError("not an id")
        return number


class BoundedIntegerField(forms.IntegerField):
    """IntegerField that refuses over-long input before converting it, and
    keeps within a bigint unless a narrower range is given."""

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        min_value = BIGINT_MIN if min_value is None else min_value
        max_value = BIGINT_MAX if max_value is None else max_value
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and len(value.strip()) > MAX_DIGITS + 1:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def _keyed_by_integer(model, field_name):
    """Whether the model's ``field_name`` (its primary key when None) holds
    integers, following a parent link or foreign key to the column it copies."""
    field = model._meta.pk if field_name is None else model._meta.get_field(field_name)
    while field.is_relation and field.target_field is not field:
        field = field.target_field
    return isinstance(field, models.IntegerField)


class RefuseBadIdsMixin:
    """For model choice fields keyed by an integer primary key: a value that
    is not a plausible id (text, zero, negative, longer than a bigint) is an
    invalid choice before any query is made."""

    def refuse_bad_ids(self, values):
        if not _keyed_by_integer(self.queryset.model, self.to_field_name):
            return
        for value in values:
            if value in self.empty_values or isinstance(value, self.queryset.model):
                continue
            if parse_id(value if isinstance(value, int) else str(value)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(value)[:40]},
                )

    def to_python(self, value):
        self.refuse_bad_ids([value])
        return super().to_python(value)


class IdChoiceField(RefuseBadIdsMixin, forms.ModelChoiceField):
    """A model chosen by its integer primary key."""


class IdMultipleChoiceField(RefuseBadIdsMixin, forms.ModelMultipleChoiceField):
    """Several models chosen by integer primary key (checkboxes); one bad
    value makes the whole choice invalid."""

    def to_python(self, value):  # ModelMultipleChoiceField checks in _check_values
        return forms.ModelMultipleChoiceField.to_python(self, value)

    def _check_values(self, value):
        self.refuse_bad_ids(value)
        return super()._check_values(value)


# --- the database layer --------------------------------------------------------
# Django already answers an out-of-range integer in an ``exact``, ``lt`` or
# ``gt`` lookup on an integer column with an empty (or full) result, but not
# in ``in`` lookups nor in lookups through a relation (a foreign key, or the
# parent link that is the primary key of every page type). Wagtail's own list
# filters and choosers use those, so a large number in, say, ``?group=`` on
# the users listing reached SQLite's driver and became a server error. These
# lookups leave such numbers out of the query, whatever view sent them.


def _in_range(value):
    return (
        not isinstance(value, int) or isinstance(value, bool) or BIGINT_MIN <= value <= BIGINT_MAX
    )


class _DropOutOfRangeIn:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            self.rhs = [value for value in self.rhs if _in_range(value)]
        return super().process_rhs(compiler, connection)


class _NoMatchOutOfRangeExact:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and not _in_range(self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class IntegerIn(_DropOutOfRangeIn, In):
    pass


class BoundedRelatedIn(_DropOutOfRangeIn, RelatedIn):
    pass


class BoundedRelatedExact(_NoMatchOutOfRangeExact, RelatedExact):
    pass


def register_lookups():
    """Called once from CmsConfig.ready()."""
    models.IntegerField.register_lookup(IntegerIn)
    ForeignObject.register_lookup(BoundedRelatedIn)
    ForeignObject.register_lookup(BoundedRelatedExact)
