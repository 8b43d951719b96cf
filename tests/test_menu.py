"""planwatch.templatetags.menu: the menu's addresses, kept, are ``{% url %}``'s."""

from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from planwatch.templatetags.menu import menu_url


def test_a_kept_address_is_the_url_tags_for_each_prefix():
    page = Template("{% load menu %}{% menu_url 'notices:list' %}|{% url 'notices:list' %}")
    try:
        for prefix in ("/", "/planwatch/", "/"):
            set_script_prefix(prefix)
            mine, theirs = page.render(Context()).split("|")
            assert mine == theirs == reverse("notices:list") == menu_url("notices:list")
            assert mine.startswith(prefix)
    finally:
        set_script_prefix("/")
