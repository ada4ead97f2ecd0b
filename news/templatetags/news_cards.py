"""`{{ posts|news_cards }}`: the cards of these posts (news/cards.py)."""

from django import template

from news.cards import cards_html

register = template.Library()


@register.filter
def news_cards(posts):
    return cards_html(posts)
