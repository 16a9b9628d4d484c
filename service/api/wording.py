"""The words of the printed and calendar outputs: interface labels per language, doses in figures.

Labels are interface words, not content: a language without its own gets English. The Spanish
addresses the reader as the content does (usted).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Foot exercises",
        "week": "week",
        "Week": "Week",
        "hold": "hold",
        "each side": "each side",
        "min": "min",
        "details": "Full instructions",
        "programme": "Your programme",
        "weeks": "weeks",
        "days a week": "days a week",
        "about": "about",
        "routine id": "Routine id",
        "scan": "Scan to open this sheet again",
        "precautions": "Precautions",
        "todo": "What to do",
        "steps": "Steps",
        "cautions": "Take care",
        "dose": "Dose",
        "grid": "Tick a box after each session",
        "session": "Session",
        "chart": "Your dose, week by week",
        "sheet": "Printed from the metatarsalgia exercise service, content release",
    },
    "es": {
        "title": "Ejercicios para el pie",
        "week": "semana",
        "Week": "Semana",
        "hold": "mantener",
        "each side": "cada lado",
        "min": "min",
        "details": "Instrucciones completas",
        "programme": "Su programa",
        "weeks": "semanas",
        "days a week": "días a la semana",
        "about": "unos",
        "routine id": "Identificador de la rutina",
        "scan": "Escanee el código para volver a abrir esta hoja",
        "precautions": "Precauciones",
        "todo": "Qué hacer",
        "steps": "Pasos",
        "cautions": "Tenga cuidado",
        "dose": "Dosis",
        "grid": "Marque una casilla después de cada sesión",
        "session": "Sesión",
        "chart": "Su dosis, semana a semana",
        "sheet": (
            "Impreso desde el servicio de ejercicios para la metatarsalgia, versión de contenido"
        ),
    },
}


def labels(language: str) -> Mapping[str, str]:
    """The interface words of a language, English where it has none."""
    return LABELS.get(language, LABELS["en"])


def dose_text(item: Mapping[str, Any], words: Mapping[str, str]) -> str:
    """A routine item's dose in figures: `3 x 10`, `2 x 5 (hold 10 s)`, `2 x 30 s`, `12 min`,
    each side."""
    if item.get("minutes") is not None and item.get("dosage") is None:
        return f"{item['minutes']} {words['min']}"
    dose = item["dosage"]
    if dose["reps"] is not None:
        text = f"{dose['sets']} x {dose['reps']}"
        if dose["hold_seconds"]:
            text += f" ({words['hold']} {dose['hold_seconds']} s)"
    else:
        text = f"{dose['sets']} x {dose['duration_seconds']} s"
    return text + (f", {words['each side']}" if dose["per_side"] else "")


def short_dose(item: Mapping[str, Any], words: Mapping[str, str]) -> str:
    """A dose short enough for a grid cell: `3x10`, `2x5 (10 s)` with a hold, `2x30 s`,
    `12 min`."""
    if item.get("minutes") is not None and item.get("dosage") is None:
        return f"{item['minutes']} {words['min']}"
    dose = item["dosage"]
    if dose["reps"] is None:
        return f"{dose['sets']}x{dose['duration_seconds']} s"
    hold = f" ({dose['hold_seconds']} s)" if dose["hold_seconds"] else ""
    return f"{dose['sets']}x{dose['reps']}{hold}"


def volume(item: Mapping[str, Any]) -> int:
    """The work of a dose as one number, to compare weeks of one item: sets times reps (or
    seconds, holds counted), or minutes."""
    if item.get("minutes") is not None and item.get("dosage") is None:
        return int(item["minutes"])
    dose = item["dosage"]
    if dose["reps"] is not None:
        return int(dose["sets"] * dose["reps"] * max(1, dose["hold_seconds"] or 1))
    return int(dose["sets"] * dose["duration_seconds"])
