"""Mails sent by the site: plain text and light HTML from a pair of templates."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_mail(to, subject, template, context, *, request=None, headers=None, from_email=None):
    """A multipart message from `<template>.txt` and `<template>.html` (the HTML one extends mail/base.html)."""
    context = {"subject": subject, **context}
    text = render_to_string(f"{template}.txt", context, request=request)
    html = render_to_string(f"{template}.html", context, request=request)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(html, "text/html")
    return message


class MailNotSent(Exception):
    """The mail server could not be reached or refused the message."""


def send_mail(to, subject, template, context, **kwargs):
    """Build and send one mail; MailNotSent when the mail server fails."""
    try:
        build_mail(to, subject, template, context, **kwargs).send()
    except (smtplib.SMTPException, OSError) as error:
        raise MailNotSent from error
