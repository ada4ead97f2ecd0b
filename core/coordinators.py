"""Association coordinators (issue 22): volunteers who register people without an email address for
events on behalf of their own association. The associations app says who they are, the events app
asks; core knows neither (the app that knows registers its finder in its AppConfig.ready())."""

_finder = None


def register_finder(finder):
    """`finder(user)` -> the names of the associations `user` coordinates (a list, maybe empty)."""
    global _finder
    _finder = finder


def coordinated_associations(user):
    """The names of the associations this user registers people for; none for staff and visitors."""
    if _finder is None or not user.is_authenticated or not user.is_active or user.is_staff:
        return []
    if not hasattr(user, "_coordinated_associations"):
        user._coordinated_associations = list(_finder(user))
    return user._coordinated_associations
