"""The default words of every notification, per trigger, in English, Spanish and German."""

from __future__ import annotations

LOCALES = ("en", "es", "de")

# Per locale and trigger: subject, headline (the status sentence), body, sms. SMS texts stay
# in GSM-7 (no á, í, ó, ú) so that with a tracking link they fit one 160-character segment.
TRIGGER_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "order_confirmed": {
            "subject": "Thanks for your order #{number}",
            "headline": "We've got your order.",
            "body": "We'll let you know as soon as it ships.",
            "sms": "{brand}: thanks for your order #{number}! We'll text you when it ships. "
            "Track: {link}",
        },
        "shipped": {
            "subject": "Your order #{number} is on its way",
            "headline": "Your order is on its way.",
            "body": "The carrier has your parcel. Follow it on the tracking page.",
            "sms": "{brand}: your order #{number} is on its way. Track: {link}",
        },
        "out_for_delivery": {
            "subject": "Your order #{number} arrives today",
            "headline": "Your parcel is on the van and arrives today.",
            "body": "Keep an eye out for the driver.",
            "sms": "{brand}: your order #{number} is out for delivery today. Track: {link}",
        },
        "available_for_pickup": {
            "subject": "Your order #{number} is ready for pickup",
            "headline": "Your parcel is waiting for you at the pickup point.",
            "body": "Pick it up soon: pickup points only keep parcels for a few days.",
            "sms": "{brand}: your order #{number} is ready for pickup. Details: {link}",
        },
        "attempt_failed": {
            "subject": "We missed you: order #{number}",
            "headline": "The carrier tried to deliver your parcel but couldn't.",
            "body": "They usually try again on the next working day. Your options are on the "
            "tracking page.",
            "sms": "{brand}: the carrier missed you with order #{number}. They'll try again. "
            "Details: {link}",
        },
        "exception": {
            "subject": "An update on your order #{number}",
            "headline": "There's a problem with your parcel.",
            "body": "We're keeping an eye on it and will let you know when it moves again.",
            "sms": "{brand}: there's an issue with your order #{number}. Details: {link}",
        },
        "delayed": {
            "subject": "Your order #{number} is running late",
            "headline": "Your order is running late: now expected {date}.",
            "headline_undated": "Your order is running late.",
            "body": "We're sorry for the wait.",
            "sms": "{brand}: your order #{number} is running late, now expected {date}. "
            "Track: {link}",
            "sms_undated": "{brand}: your order #{number} is running late. Track: {link}",
        },
        "delivered": {
            "subject": "Your order #{number} has been delivered",
            "headline": "Your order has been delivered.",
            "body": "Not there? Check around your door and with neighbours, then contact us "
            "and we'll sort it out.",
            "sms": "{brand}: your order #{number} has been delivered. Not there? {link}",
        },
        "feedback_request": {
            "subject": "How was your delivery?",
            "headline": "How did we do?",
            "body": "Tell us how your order #{number} arrived. It takes ten seconds and helps "
            "us get better.",
            "sms": "{brand}: how was the delivery of your order #{number}? Tell us: {link}",
        },
        "feedback_nudge": {
            "subject": "A quick question about order #{number}",
            "headline": "Got ten seconds?",
            "body": "We'd love to hear how your delivery went.",
            "sms": "{brand}: got 10 seconds? Tell us how order #{number} arrived: {link}",
        },
    },
    "es": {
        "order_confirmed": {
            "subject": "Gracias por tu pedido #{number}",
            "headline": "Hemos recibido tu pedido.",
            "body": "Te avisaremos en cuanto salga.",
            "sms": "{brand}: gracias por tu pedido #{number}. Te avisaremos cuando salga. "
            "Seguimiento: {link}",
        },
        "shipped": {
            "subject": "Tu pedido #{number} va en camino",
            "headline": "Tu pedido va en camino.",
            "body": "El transportista ya tiene tu paquete. Síguelo en la página de seguimiento.",
            "sms": "{brand}: tu pedido #{number} va en camino. Seguimiento: {link}",
        },
        "out_for_delivery": {
            "subject": "Tu pedido #{number} llega hoy",
            "headline": "Tu paquete está en reparto y llega hoy.",
            "body": "Atento al repartidor.",
            "sms": "{brand}: tu pedido #{number} sale hoy en reparto. Seguimiento: {link}",
        },
        "available_for_pickup": {
            "subject": "Tu pedido #{number} está listo para recoger",
            "headline": "Tu paquete te espera en el punto de recogida.",
            "body": "Recógelo pronto: los puntos de recogida solo guardan los paquetes unos días.",
            "sms": "{brand}: tu pedido #{number} te espera en el punto de recogida. "
            "Detalles: {link}",
        },
        "attempt_failed": {
            "subject": "No te encontramos: pedido #{number}",
            "headline": "El transportista intentó entregar tu paquete, sin éxito.",
            "body": "Normalmente lo vuelve a intentar el siguiente día laborable. Tus opciones "
            "están en la página de seguimiento.",
            "sms": "{brand}: el transportista no pudo entregar tu pedido #{number}. "
            "Detalles: {link}",
        },
        "exception": {
            "subject": "Novedades sobre tu pedido #{number}",
            "headline": "Hay un problema con tu paquete.",
            "body": "Lo estamos siguiendo y te avisaremos en cuanto vuelva a moverse.",
            "sms": "{brand}: hay una incidencia con tu pedido #{number}. Detalles: {link}",
        },
        "delayed": {
            "subject": "Tu pedido #{number} va con retraso",
            "headline": "Tu pedido va con retraso: ahora se espera el {date}.",
            "headline_undated": "Tu pedido va con retraso.",
            "body": "Sentimos la espera.",
            "sms": "{brand}: tu pedido #{number} va con retraso, ahora se espera el {date}. "
            "Seguimiento: {link}",
            "sms_undated": "{brand}: tu pedido #{number} va con retraso. Seguimiento: {link}",
        },
        "delivered": {
            "subject": "Tu pedido #{number} ha sido entregado",
            "headline": "Tu pedido ha sido entregado.",
            "body": "¿No lo encuentras? Mira cerca de la puerta y con los vecinos y, si no "
            "aparece, escríbenos: lo solucionamos.",
            "sms": "{brand}: tu pedido #{number} ha sido entregado. ¿No lo ves? {link}",
        },
        "feedback_request": {
            "subject": "¿Qué tal fue tu entrega?",
            "headline": "¿Qué tal lo hicimos?",
            "body": "Cuéntanos cómo llegó tu pedido #{number}. Son diez segundos y nos ayuda "
            "a mejorar.",
            "sms": "{brand}: ¿qué tal la entrega de tu pedido #{number}? Cuéntanos: {link}",
        },
        "feedback_nudge": {
            "subject": "Una pregunta rápida sobre tu pedido #{number}",
            "headline": "¿Tienes diez segundos?",
            "body": "Nos encantaría saber cómo fue tu entrega.",
            "sms": "{brand}: ¿tienes 10 segundos? Cuéntanos qué tal fue la entrega de tu pedido "
            "#{number}: {link}",
        },
    },
    "de": {
        "order_confirmed": {
            "subject": "Danke für deine Bestellung #{number}",
            "headline": "Deine Bestellung ist eingegangen.",
            "body": "Wir melden uns, sobald sie versandt wird.",
            "sms": "{brand}: danke für deine Bestellung #{number}! Wir melden uns beim Versand. "
            "Verfolgen: {link}",
        },
        "shipped": {
            "subject": "Deine Bestellung #{number} ist unterwegs",
            "headline": "Deine Bestellung ist unterwegs.",
            "body": "Der Versanddienst hat dein Paket. Verfolge es auf der Sendungsseite.",
            "sms": "{brand}: deine Bestellung #{number} ist unterwegs. Verfolgen: {link}",
        },
        "out_for_delivery": {
            "subject": "Deine Bestellung #{number} kommt heute",
            "headline": "Dein Paket ist in der Zustellung und kommt heute.",
            "body": "Halte nach dem Zusteller Ausschau.",
            "sms": "{brand}: deine Bestellung #{number} wird heute zugestellt. Verfolgen: {link}",
        },
        "available_for_pickup": {
            "subject": "Deine Bestellung #{number} liegt zur Abholung bereit",
            "headline": "Dein Paket wartet an der Abholstelle auf dich.",
            "body": "Hol es bald ab: Abholstellen bewahren Pakete nur wenige Tage auf.",
            "sms": "{brand}: deine Bestellung #{number} liegt zur Abholung bereit. Details: {link}",
        },
        "attempt_failed": {
            "subject": "Wir haben dich verpasst: Bestellung #{number}",
            "headline": "Der Zusteller hat dich leider nicht angetroffen.",
            "body": "Meist gibt es am nächsten Werktag einen neuen Versuch. Deine Optionen "
            "findest du auf der Sendungsseite.",
            "sms": "{brand}: der Zusteller hat dich mit Bestellung #{number} verpasst. "
            "Details: {link}",
        },
        "exception": {
            "subject": "Neuigkeiten zu deiner Bestellung #{number}",
            "headline": "Es gibt ein Problem mit deinem Paket.",
            "body": "Wir behalten es im Blick und melden uns, sobald es weitergeht.",
            "sms": "{brand}: es gibt ein Problem mit deiner Bestellung #{number}. Details: {link}",
        },
        "delayed": {
            "subject": "Deine Bestellung #{number} verspätet sich",
            "headline": "Deine Bestellung verspätet sich: jetzt erwartet am {date}.",
            "headline_undated": "Deine Bestellung verspätet sich.",
            "body": "Entschuldige die Wartezeit.",
            "sms": "{brand}: deine Bestellung #{number} verspätet sich, jetzt erwartet am "
            "{date}. Verfolgen: {link}",
            "sms_undated": "{brand}: deine Bestellung #{number} verspätet sich. Verfolgen: {link}",
        },
        "delivered": {
            "subject": "Deine Bestellung #{number} wurde zugestellt",
            "headline": "Deine Bestellung wurde zugestellt.",
            "body": "Nicht da? Schau rund um die Tür und bei den Nachbarn und melde dich dann "
            "bei uns, wir kümmern uns.",
            "sms": "{brand}: deine Bestellung #{number} wurde zugestellt. Nicht da? {link}",
        },
        "feedback_request": {
            "subject": "Wie war deine Lieferung?",
            "headline": "Wie haben wir uns geschlagen?",
            "body": "Sag uns, wie deine Bestellung #{number} angekommen ist. Das dauert zehn "
            "Sekunden und hilft uns, besser zu werden.",
            "sms": "{brand}: wie war die Lieferung deiner Bestellung #{number}? Bewerten: {link}",
        },
        "feedback_nudge": {
            "subject": "Kurze Frage zu deiner Bestellung #{number}",
            "headline": "Hast du zehn Sekunden?",
            "body": "Wir würden gern wissen, wie deine Lieferung war.",
            "sms": "{brand}: hast du 10 Sekunden? Sag uns, wie Bestellung #{number} ankam: {link}",
        },
    },
}

# The words around the message: greeting, labels, button, footer.
UI_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Hi {name},",
        "greeting_anonymous": "Hi,",
        "track": "Track your order",
        "rate": "Rate your delivery",
        "estimate": "Estimated delivery",
        "new_estimate": "New estimated delivery",
        "items": "In this order",
        "package": "Package {index} of {count}",
        "carrier_note": "Carrier's note",
        "questions": "Questions? We're happy to help.",
        "unsubscribe": "Unsubscribe from these emails",
        "why": "You're receiving this because you ordered from {brand}.",
        "order": "Order #{number}",
    },
    "es": {
        "greeting": "Hola, {name}:",
        "greeting_anonymous": "Hola:",
        "track": "Sigue tu pedido",
        "rate": "Valora tu entrega",
        "estimate": "Entrega estimada",
        "new_estimate": "Nueva entrega estimada",
        "items": "En este pedido",
        "package": "Paquete {index} de {count}",
        "carrier_note": "Nota del transportista",
        "questions": "¿Tienes preguntas? Estamos para ayudarte.",
        "unsubscribe": "Darme de baja de estos correos",
        "why": "Recibes este correo porque hiciste un pedido en {brand}.",
        "order": "Pedido #{number}",
    },
    "de": {
        "greeting": "Hallo {name},",
        "greeting_anonymous": "Hallo,",
        "track": "Bestellung verfolgen",
        "rate": "Lieferung bewerten",
        "estimate": "Voraussichtliche Zustellung",
        "new_estimate": "Neue voraussichtliche Zustellung",
        "items": "In dieser Bestellung",
        "package": "Paket {index} von {count}",
        "carrier_note": "Hinweis des Versanddienstes",
        "questions": "Fragen? Wir helfen gern.",
        "unsubscribe": "Von diesen E-Mails abmelden",
        "why": "Du erhältst diese E-Mail, weil du bei {brand} bestellt hast.",
        "order": "Bestellung #{number}",
    },
}

DELAY_REASONS: dict[str, dict[str, str]] = {
    "en": {
        "late": "It has passed the promised date.",
        "rescheduled": "The carrier moved the delivery date.",
        "stale": "The carrier hasn't scanned it for a while.",
        "label_limbo": "The label is ready but the carrier hasn't picked the parcel up yet.",
        "carrier_delay": "The carrier reports a delay.",
    },
    "es": {
        "late": "Ha pasado la fecha prometida.",
        "rescheduled": "El transportista cambió la fecha de entrega.",
        "stale": "El transportista no lo ha escaneado desde hace un tiempo.",
        "label_limbo": "La etiqueta está lista, pero el transportista aún no ha recogido el "
        "paquete.",
        "carrier_delay": "El transportista informa de un retraso.",
    },
    "de": {
        "late": "Der zugesagte Termin ist verstrichen.",
        "rescheduled": "Der Versanddienst hat den Liefertermin verschoben.",
        "stale": "Der Versanddienst hat das Paket länger nicht gescannt.",
        "label_limbo": "Das Etikett ist erstellt, aber der Versanddienst hat das Paket noch "
        "nicht abgeholt.",
        "carrier_delay": "Der Versanddienst meldet eine Verzögerung.",
    },
}

# Babel date patterns: long in emails, short in SMS.
DATE_FORMATS = {
    "en": ("EEEE, d MMMM", "EEE d MMM"),
    "es": ("EEEE, d 'de' MMMM", "d 'de' MMM"),
    "de": ("EEEE, d. MMMM", "d. MMM"),
}


def pick_locale(locale: str | None) -> str:
    """The shopper's locale when we have its words ("es-MX" → "es"), else English."""
    base = (locale or "en").replace("_", "-").split("-", 1)[0].lower()
    return base if base in LOCALES else "en"
