"""An event as schema.org Event (JSON-LD), for search engines and calendar helpers."""

from events.models import Event, EventFormat

ATTENDANCE_MODES = {
    EventFormat.PHYSICAL: "https://schema.org/OfflineEventAttendanceMode",
    EventFormat.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    EventFormat.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}
EVENT_STATUS = {
    Event.Status.SCHEDULED: "https://schema.org/EventScheduled",
    Event.Status.POSTPONED: "https://schema.org/EventPostponed",
    Event.Status.CANCELLED: "https://schema.org/EventCancelled",
}


def event_json_ld(request, event):
    url = request.build_absolute_uri(event.get_absolute_url())
    if event.all_day:
        start, end = event.start_date.isoformat(), event.last_date.isoformat()
    else:
        start, end = event.local_start.isoformat(), event.local_end.isoformat()
    locations = []
    if event.is_physical:
        address = {"@type": "PostalAddress", "addressLocality": event.municipality, "addressCountry": "BE"}
        if event.street_address:
            address["streetAddress"] = event.street_address
        if event.postcode:
            address["postalCode"] = event.postcode
        locations.append({"@type": "Place", "name": event.place_name, "address": address})
    if event.is_online:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.intro,
        "url": url,
        "startDate": start,
        "endDate": end,
        "eventStatus": EVENT_STATUS[event.status],
        "eventAttendanceMode": ATTENDANCE_MODES[event.format],
        "location": locations[0] if len(locations) == 1 else locations,
        "organizer": {
            "@type": "Organization",
            "name": event.network.name,
            "url": request.build_absolute_uri(event.network.get_absolute_url()),
        },
        "inLanguage": "nl",
    }
    if event.audience:
        data["audience"] = {"@type": "Audience", "audienceType": event.audience}
    return data
