"""Merchants' templates can't build huge texts or lists, loop without end, or print objects."""

from __future__ import annotations

import tracemalloc
from datetime import date

import pytest
from sqlalchemy import select

from portal.models import Merchant, Notification
from portal.services.dispatch import send_due_notifications
from portal.services.notification_context import sample_context
from portal.services.notification_templates import render_message
from tests.notify.conftest import smtp_settings

TODAY = date(2026, 11, 24)


def doubling(times: int, operator: str = "~") -> str:
    """2,000 characters, doubled `times` times: 1 GB after 19, 262 MB after 17."""
    return "{% set a = 'x' * 2000 %}" + f"{{% set a = a {operator} a %}}" * times + "{{ a|length }}"


# Without the limits each builds megabytes to gigabytes, or loops or recurses for minutes.
ATTACKS = {
    "~ doubling to 1 GB": doubling(19),
    "~ doubling to 262 MB, short output": doubling(17),
    "+ doubling": doubling(19, "+"),
    "format width": "{{ '{:>1000000000}'.format('x') }}",
    "format nested width": "{{ '{:>{}}'.format('x', 1000000000) }}",
    "format precision": "{{ '{:.1000000000f}'.format(1.5) }}",
    "format_map reusing a field": "{% set a = 'x' * 2000 %}{% set f = '{a}' * 600 %}"
    + "{% set f = f ~ f %}" * 5
    + "{{ f.format_map({'a': a})|length }}",
    "center filter": "{{ 'x'|center(1000000000) }}",
    "center method": "{{ 'x'.center(1000000000) }}",
    "ljust": "{{ 'x'.ljust(1000000000) }}",
    "rjust": "{{ 'x'.rjust(1000000000) }}",
    "zfill": "{{ '1'.zfill(1000000000) }}",
    "% width": "{{ '%1000000000s' % 'x' }}",
    "% star width": "{{ '%*s' % (1000000000, 'x') }}",
    "% precision": "{{ '%.1000000000f' % 1.5 }}",
    "% mapping reused": "{% set d = {'a': 'x' * 2000} %}{% set f = '%(a)s' * 400 %}"
    + "{% set f = f ~ f %}" * 5
    + "{{ (f % d)|length }}",
    "format filter width": "{{ '%1000000000s'|format('x') }}",
    "indent width": "{{ ('x\n' * 1000)|indent(1000000)|length }}",
    "indent text": "{% set p = 'x' * 2000 %}"
    + "{% set p = p ~ p %}" * 5
    + "{{ ('x\n' * 1000)|indent(p)|length }}",
    "wordwrap wrapstring": "{% set w = 'y' * 2000 %}"
    + "{% set w = w ~ w %}" * 4
    + "{{ ('x' * 2000)|wordwrap(1, wrapstring=w)|length }}",
    "truncate in a loop": "{% set z = 'z' * 2000 %}{% set z = z ~ z %}"
    "{% for i in 'x' * 2000 %}{{ z|truncate(2000) }}{% endfor %}",
    "replace filter chain": "{% set a = 'x' * 2000 %}{{ a|replace('x', a)|replace('x', a) }}",
    "replace method": "{% set a = 'x' * 2000 %}{{ a.replace('x', a)|length }}",
    "replace empty old": "{% set a = 'x' * 2000 %}{{ a.replace('', a)|length }}",
    "join a big separator": "{% set s = 'y' * 2000 %}{{ ('x' * 2000)|list|join(s) }}",
    "join method": "{% set s = 'y' * 2000 %}{{ s.join('x' * 2000) }}",
    "list repetition": "{{ ([1] * 1000000000)|length }}",
    "nested lists printed": "{% set a = [1] * 2000 %}{% set b = [a] * 2000 %}{{ [b] * 2000 }}",
    "nested lists as string": "{% set b = [[1] * 2000] * 2000 %}{{ b|string|length }}",
    "nested lists joined with ~": "{% set b = [[1] * 2000] * 2000 %}{{ (b ~ '')|length }}",
    "nested lists in %": "{% set b = [[1] * 2000] * 2000 %}{{ ('%s' % (b,))|length }}",
    "nested lists mapped": "{% set b = [[1] * 2000] * 2000 %}{{ b|map('string')|join|length }}",
    "sum of lists": "{% set b = [[1] * 2000] * 2000 %}{{ b|sum(start=[])|length }}",
    "batch fill": "{{ [1]|batch(1000000000, 'x')|list|length }}",
    "slice count": "{{ [1]|slice(1000000000)|list|length }}",
    "round precision": "{{ 1.5|round(100000000, 'floor') }}",
    "int to_bytes": "{{ (1).to_bytes(1000000000, 'big')|length }}",
    "expandtabs": "{{ '\t'.expandtabs(1000000000)|length }}",
    "translate": "{% set a = 'y' * 2000 %}{{ ('x' * 2000).translate({120: a})|length }}",
    "squaring a number": "{% set n = 99999999999999999999 %}" + "{% set n = n * n %}" * 30,
    "nested loops": "{% set x = 'x' * 2000 %}"
    "{% for a in x %}{% for b in x %}{% for c in x %}{% endfor %}{% endfor %}{% endfor %}",
    "recursive macro": "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}"
    "{% endmacro %}{{ m(40) }}",
    "loop into a set block": "{% set x = 'x' * 2000 %}"
    "{% set y %}{% for a in x %}{{ x }}{% endfor %}{% endset %}{{ y|length }}",
    "loop in a macro": "{% set x = 'x' * 2000 %}"
    + "{% set x = x ~ x %}" * 3
    + "{% macro m() %}{% for a in x[:2000] %}{{ x }}{% endfor %}{% endmacro %}{{ m()|length }}",
    "loop output": "{% set x = 'x' * 2000 %}"
    + "{% set x = x ~ x %}" * 3
    + "{% for a in x %}{{ x }}{% endfor %}",
    "filter block": "{% set x = 'x' * 2000 %}"
    "{% filter upper %}{% for a in x %}{{ x }}{% endfor %}{% endfilter %}",
    "recursive loop": "{% for a in [[1] * 2000] * 2000 recursive %}"
    "{{ loop(a) if a is iterable else '' }}{% endfor %}",
    "caller in loops": "{% macro m() %}{% for i in 'x' * 2000 %}{{ caller() }}{% endfor %}"
    "{% endmacro %}{% call m() %}{% call m() %}y{% endcall %}{% endcall %}",
    "block called in a loop": "{% block b %}{% for i in 'x' * 2000 %}{% endfor %}{% endblock %}"
    "{% for i in 'x' * 2000 %}{{ self.b() }}{% endfor %}",
    "sorting in a loop": "{% set a = ('x' * 2000)|list %}"
    "{% for i in a %}{{ a|sort|first }}{% endfor %}",
    "upper that grows": "{% set a = 'ﬃ' * 2000 %}"
    + "{% set a = a ~ a %}" * 3
    + "{{ a|upper|length }}",
}


def is_a_named_limit(reason: str | None) -> bool:
    """A limit of the sandbox, not a crash ("MemoryError") or the output check after it."""
    return bool(reason) and (
        reason.startswith("TemplateLimitError: ")
        or (reason.startswith("SecurityError: ") and "can't be used in templates" in reason)
    )


@pytest.fixture(params=["sqlite"])
def db_backend(request):
    """Rendering reads no tables: one backend is enough."""
    return request.param


@pytest.fixture
def acme(app):
    return Merchant(slug="acme", name="Acme Outdoor", settings={})


def render_with(app, merchant, body: str, channel: str = "sms"):
    merchant.settings = {"templates": {"shipped": {channel: {"body": body}}}}
    with app.test_request_context():
        return render_message(merchant, "shipped", channel, sample_context(merchant, today=TODAY))


@pytest.mark.parametrize("source", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_template_that_would_grow_without_bound_is_refused_in_little_memory(app, acme, source):
    tracemalloc.start()
    try:
        sms = render_with(app, acme, source)
        email = render_with(app, acme, source, "email")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert is_a_named_limit(sms.fallback_reason), sms.fallback_reason
    assert is_a_named_limit(email.fallback_reason), email.fallback_reason
    assert sms.text.startswith("Acme Outdoor: your order #1042 is on its way.")
    assert email.subject == "Your order #1042 is on its way"
    assert peak < 50 * 2**20, f"{peak / 2**20:.0f} MB"


def test_placeholders_print_plain_data_not_python_objects(app, acme):
    body = "{{ order.items }} | {{ order }} | {{ shipment }} | {{ customer }} | {{ merchant }}"

    sms = render_with(app, acme, body)

    assert sms.fallback_reason is None
    assert sms.text == (
        "Trail Tent 2P, 2 x Headlamp | 1042 | UPS 1Z999AA10123456784 | Maya Patel | Acme Outdoor"
    )


def test_loops_filters_formats_and_macros_still_work_within_the_limits(app, acme):
    body = (
        "{% macro line(item) %}{{ '%-14s' % item.name }}{{ '{:>3}'.format(item.quantity) }}"
        "{% endmacro %}"
        "{% for item in order.items %}{{ line(item) }}{{ ', ' if not loop.last }}{% endfor %}"
        " | {{ order.items|map(attribute='name')|join(' + ')|upper|center(30)|trim }}"
        " | {{ customer.nickname|default(customer.first_name) ~ '!' }}"
        " | {{ shipment.estimated_date.replace('-', '/') }} #{{ order.number.zfill(6) }}"
    )

    sms = render_with(app, acme, body)

    assert sms.fallback_reason is None
    assert sms.text == (
        "Trail Tent 2P   1, Headlamp        2"
        " | TRAIL TENT 2P + HEADLAMP | Maya! | 2026/11/26 #001042"
    )


def test_a_saved_template_over_the_limits_falls_back_at_send_time_and_says_why(
    make_app, db, make_merchant, make_order, queue, smtp_server
):
    application = make_app(**smtp_settings(smtp_server))
    with application.app_context():
        shop = make_merchant("acme", "Acme Outdoor")
        shop.settings = {"templates": {"shipped": {"email": {"body": ATTACKS["center filter"]}}}}
        order = make_order(shop, order_number="#1042")
        queue(order, "shipped", order.shipments[0])

        stats = send_due_notifications()

        [message] = smtp_server.messages
        assert stats.sent == 1
        assert "Your order is on its way." in message.get_body(("plain",)).get_content()
        row = db.session.scalar(select(Notification))
        assert row.status == "sent"
        assert row.template_problem == (
            "TemplateLimitError: widths and counts above 1,000 aren't allowed"
        )
