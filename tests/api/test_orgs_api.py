from hypercare.accounts.models import User
from hypercare.orgs.models import Institution
from tests import factories
from tests.api.conftest import ApiClient


def test_institution_users_see_only_their_institution(
    api_as: type[ApiClient], institution: Institution, requester: User, outsider: User, agent: User
) -> None:
    factories.integration(requester.institution, name="Razorpay")
    factories.integration(outsider.institution, name="Stripe")

    mine = api_as(requester).get("/institutions").json()
    assert [i["slug"] for i in mine] == [institution.slug]
    assert api_as(requester).get(f"/institutions/{outsider.institution_id}").status_code == 404
    assert {i["name"] for i in api_as(requester).get("/integrations").json()} == {"Razorpay"}
    modules = api_as(requester).get("/modules").json()
    assert len(modules) == 12
    assert {m["institution_id"] for m in modules} == {requester.institution_id}
    other = api_as(requester).get("/modules", {"institution": outsider.institution_id}).json()
    assert other == []
    assert len(api_as(agent).get("/institutions").json()) == 2
