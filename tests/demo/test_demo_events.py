"""The demo programme's two events are ready to be scheduled."""

from matchmaker.models import Event, EventKind, EventStatus, MeetingRequest, Pitch, PitchAttendance, Registration
from matchmaker.demo.city import load_demo
from matchmaker.services.scheduling.problem_export import export_problem
from matchmaker.solver.problem import parse_problem


async def test_demo_loads_a_docking_event_and_a_roadshow_that_export_cleanly(db, settings):
    await load_demo(settings.var_dir)

    docking = await Event.get(kind=EventKind.DOCKING, status__not=EventStatus.CLOSED)  # not last month's
    roadshow = await Event.get(kind=EventKind.ROADSHOW, status__not=EventStatus.CLOSED)
    assert await Registration.filter(event=docking, organization__kind="enterprise").count() == 60
    assert await Registration.filter(event=docking).exclude(organization__kind="enterprise").count() == 15
    assert await MeetingRequest.filter(event=docking).count() == 300
    assert await Pitch.filter(event=roadshow).count() == 12
    assert await Registration.filter(event=roadshow, organization__kind="investor").count() == 10
    assert await PitchAttendance.filter(pitch__event=roadshow).count() == 40
    docking_problem = parse_problem(await export_problem(docking))
    roadshow_problem = parse_problem(await export_problem(roadshow))
    assert (len(docking_problem.enterprises), len(docking_problem.institutions)) == (60, 15)
    assert len(docking_problem.requests) > 200
    assert len(roadshow_problem.pitches) == 12
    assert roadshow_problem.requests and all(r.after_pitch for r in roadshow_problem.requests)
