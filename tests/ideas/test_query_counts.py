"""The list pages load what they show in a bounded number of queries (no N+1)."""


from tests.conftest import login
from tests.helpers import post_form, queries_for
from tests.ideas.factories import make_idea


def test_ideas_list_queries_do_not_grow_with_the_page(app, member):
    client = app.test_client()
    login(client)
    for n in range(3):
        idea_id = make_idea(app, member.id, f"Idea number {n} here", tags=["a", "b"])
        post_form(client, f"/ideas/{idea_id}/vote", {"importance": "2"},
                  get_url=f"/ideas/{idea_id}-idea-number-{n}-here")
    few = queries_for(app, client, "/ideas?sort=top")
    for n in range(3, 20):
        make_idea(app, member.id, f"Idea number {n} here", tags=["a", "b"])
    many = queries_for(app, client, "/ideas?sort=top")
    assert many == few and many <= 10
