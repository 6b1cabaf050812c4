"""URLs of 统计报表 (statistics, reports, programmes, 考核)."""

from __future__ import annotations

from starlette.routing import Route

from matchmaker.web.views.reports import pages

reports_routes = [
    Route("/reports", pages.index, name="reports"),
    Route("/reports/programmes/new", pages.new_programme_form, methods=["GET"], name="new_programme"),
    Route("/reports/programmes", pages.create_programme, methods=["POST"], name="create_programme"),
    Route("/reports/programmes/{programme_id}", pages.programme_statistics, name="programme_statistics"),
    Route("/reports/programmes/{programme_id}/edit", pages.edit_programme_form, methods=["GET"],
          name="edit_programme"),
    Route("/reports/programmes/{programme_id}/edit", pages.update_programme, methods=["POST"],
          name="update_programme"),
    Route("/reports/programmes/{programme_id}/delete", pages.delete_programme, methods=["POST"],
          name="delete_programme"),
    Route("/reports/programmes/{programme_id}/partners", pages.add_partner, methods=["POST"], name="add_partner"),
    Route("/reports/programmes/{programme_id}/partners/{partner_id}/remove", pages.remove_partner,
          methods=["POST"], name="remove_partner"),
    Route("/reports/programmes/{programme_id}/report.xlsx", pages.download_xlsx, methods=["POST"],
          name="programme_xlsx"),
    Route("/reports/programmes/{programme_id}/report.docx", pages.download_docx, methods=["POST"],
          name="programme_docx"),
    Route("/reports/programmes/{programme_id}/assessment", pages.assessment, methods=["GET"], name="assessment"),
    Route("/reports/programmes/{programme_id}/assessment", pages.save_weights, methods=["POST"],
          name="save_weights"),
    Route("/reports/events/{event_id}", pages.event_statistics, name="event_statistics"),
    Route("/reports/events/{event_id}/report.xlsx", pages.download_xlsx, methods=["POST"], name="event_xlsx"),
    Route("/reports/events/{event_id}/report.docx", pages.download_docx, methods=["POST"], name="event_docx"),
]
