#!/usr/bin/env python3
"""An editor's round trip through the Python client generated from openapi/openapi.json.

    CHISO_URL=http://127.0.0.1:PORT CHISO_TOKEN=<editor or admin JWT> python flow.py

Run by .ci/client.sh, which generates the client (package `chiso_client`), installs it into the CI
venv and serves a fresh database. Every call goes through the generated functions: no hand-written
HTTP. Steps: list provinces; read Thanh Hóa's 2023 observations; create an observation
(Đắk Nông, bts_stations, 2024: not in the shipped data); read it back; patch it with If-Match
(a stale ETag first, which must be refused with 412); delete it with If-Match; check it is gone.
If-Match and X-Change-Reason are header parameters of the document, so they are arguments of
the generated functions.
Exits non-zero at the first step that does not behave as documented.
"""
import os
import sys

from chiso_client import AuthenticatedClient, Client
from chiso_client.api.observations import (
    create_observation,
    delete_observation,
    get_observation,
    list_observations,
    patch_observation,
)
from chiso_client.api.provinces import list_provinces
from chiso_client.models import ObservationInput, ObservationPatch, ObservationView

URL = os.environ["CHISO_URL"]
TOKEN = os.environ["CHISO_TOKEN"]

# The new figure: must not exist in the shipped data (checked below).
NEW = dict(province_id="dak-nong", indicator_code="bts_stations", period_id="2024")


def fail(step, response=None, why=""):
    detail = ""
    if response is not None:
        detail = f": HTTP {int(response.status_code)} {response.content[:400]!r}"
    sys.exit(f"client flow: {step} failed{detail} {why}".rstrip())


def expect(step, response, status):
    if int(response.status_code) != status:
        fail(step, response, f"(expected {status})")
    print(f"ok  {step}: {int(response.status_code)}")
    return response.parsed


def main():
    public = Client(base_url=URL, raise_on_unexpected_status=False)
    editor = AuthenticatedClient(base_url=URL, token=TOKEN, raise_on_unexpected_status=False)

    # 1. Provinces.
    page = expect("list provinces", list_provinces.sync_detailed(client=public, limit=1000), 200)
    ids = {p.id for p in page.data}
    if not {"thanh-hoa", "dak-nong"} <= ids or page.meta.total != len(page.data):
        fail("list provinces", why=f"(got {len(page.data)} of total {page.meta.total}; thanh-hoa/dak-nong missing?)")
    print(f"    {len(page.data)} provinces")

    # 2. Thanh Hóa's 2023 observations.
    page = expect(
        "Thanh Hoa 2023 observations",
        list_observations.sync_detailed(client=public, province="thanh-hoa", period=["2023"], limit=1000),
        200,
    )
    if not page.data or any(o.province_id != "thanh-hoa" or o.period_id != "2023" for o in page.data):
        fail("Thanh Hoa 2023 observations", why=f"(unexpected rows: {[(o.province_id, o.period_id) for o in page.data][:5]})")
    print(f"    {len(page.data)} observations, e.g. {page.data[0].indicator_code} = {page.data[0].value} {page.data[0].unit}")

    # 3. The figure to create must not exist yet.
    page = expect(
        "precheck: new figure absent",
        list_observations.sync_detailed(client=public, province=NEW["province_id"],
                                        indicator=NEW["indicator_code"], period=[NEW["period_id"]]),
        200,
    )
    if page.meta.total != 0:
        fail("precheck", why=f"({NEW} already exists: pick another figure)")

    # 4. Create.
    created = create_observation.sync_detailed(client=editor, body=ObservationInput(value=1200.0, **NEW),
                                               x_change_reason="CI client flow")
    obs = expect("create observation", created, 201)
    if not isinstance(obs, ObservationView) or obs.value != 1200 or obs.province_id != NEW["province_id"]:
        fail("create observation", created, "(unexpected body)")
    location, create_etag = created.headers.get("location"), created.headers.get("etag")
    if not location or not location.endswith(f"/observations/{obs.id}") or not create_etag:
        fail("create observation", created, f"(Location {location!r}, ETag {create_etag!r})")
    print(f"    id {obs.id}, Location {location}, ETag {create_etag}")

    # 5. Read it back; its ETag is the one to make the next write conditional on.
    got = get_observation.sync_detailed(obs.id, client=public)
    expect("get observation", got, 200)
    etag = got.headers.get("etag")
    if not etag:
        fail("get observation", got, "(no ETag)")
    if etag != create_etag:
        print(f"    note: GET ETag {etag} differs from the create answer's {create_etag}")

    # 6. Patch: a stale ETag is refused, the current one is accepted.
    patch = ObservationPatch.from_dict({"value": 1214, "status": "final"})
    stale = patch_observation.sync_detailed(obs.id, client=editor, body=patch, if_match='"0000000000000000"')
    expect("patch with a stale If-Match", stale, 412)
    patched = patch_observation.sync_detailed(obs.id, client=editor, body=patch, if_match=etag)
    new = expect("patch with If-Match", patched, 200)
    if new.value != 1214 or new.status != "final":
        fail("patch with If-Match", patched, "(value or status not changed)")
    new_etag = patched.headers.get("etag")
    if not new_etag or new_etag == etag:
        fail("patch with If-Match", patched, f"(ETag {new_etag!r} should be new)")
    print(f"    value {new.value}, status {new.status}, ETag {new_etag}")

    # 7. Delete: the pre-patch ETag is stale now; the new one deletes.
    expect("delete with the old If-Match",
           delete_observation.sync_detailed(obs.id, client=editor, if_match=etag), 412)
    expect("delete with If-Match",
           delete_observation.sync_detailed(obs.id, client=editor, if_match=new_etag), 204)
    expect("get deleted observation", get_observation.sync_detailed(obs.id, client=public), 404)
    print("client flow: passed")


if __name__ == "__main__":
    main()
