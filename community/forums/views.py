"""Forum pages: categories, topic lists, topics, writing, reactions, watching, FAQ, feed."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community import database
from community.accounts.decorators import verified_required
from community.extensions import db
from community.forms import ActionForm
from community.forums import access, qa, queries, service
from community.forums.blueprint import bp
from community.forums.forms import EditForm, FlagForm, ReplyForm, TopicForm
from community.forums.models import ForumCategory, Post, Topic, WatchLevel
from community.forums.pages import (
    category_or_404,
    link_pattern,
    post_or_404,
    refuse,
    topic_or_404,
    topic_url,
    topic_with_category,
)
from community.ids import query_int, to_int
from community.moderation import hidden
from community.moderation import service as moderation
from community.refusals import Refused, carry_out
from community.text import render_markdown


def _list_links() -> dict[str, str]:
    """Patterns of the links every topic row has (``pages.link_pattern``), built once."""
    return {"topic": link_pattern("forums.topic", topic_id=int, slug=str),
            "category": link_pattern("forums.category", slug=str)}


def _member_form() -> ActionForm | None:
    """The one-button actions' form (its CSRF token), for members only: a visitor's page sets
    no cookie and carries no token, so it can be cached and shared."""
    return ActionForm() if current_user.is_authenticated else None


@bp.route("/forums")
def index():
    """Categories the reader may see, and the latest topics across them."""
    categories = queries.categories(access.listed_condition(current_user))
    page = queries.topic_list(categories, request.args.get("after"), pinned_apart=False)
    return render_template("forums/index.html", categories=categories, page=page,
                           read_state=queries.read_state(current_user, page.topics),
                           links=_list_links())


@bp.route("/c/<slug>")
def category(slug: str):
    """A category's topics: pinned first, then by last activity (keyset pages)."""
    category = category_or_404(slug)
    cursor = request.args.get("after")
    page = queries.topic_list([category], cursor, pinned_apart=True)
    pinned = [] if cursor else queries.pinned_topics(category.id, category)
    return render_template(
        "forums/category.html", category=category, page=page, pinned=pinned,
        read_state=queries.read_state(current_user, pinned + page.topics),
        watching=service.watch_level(current_user, category=category),
        action_form=_member_form(), links=_list_links())


@bp.route("/forums/new", methods=["GET", "POST"])
@verified_required
def create():
    """Open a topic (or ask a question), with a preview that works without JS."""
    wanted = query_int("category") or to_int(request.form.get("category"))
    categories = queries.categories(sa.or_(  # the listed ones, and the one asked for
        access.listed_condition(current_user),
        sa.and_(ForumCategory.id == (wanted or 0), access.visible_condition(current_user))))
    form = TopicForm(categories=categories, category=query_int("category"))
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            chosen = next(c for c in categories if c.id == form.category.data)
            try:
                topic = service.create_topic(current_user, chosen, form.title.data,
                                             form.body.data, form.is_question.data)
            except Refused as refusal:
                refuse(refusal)
            else:
                db.session.commit()
                return redirect(topic_url(topic))
    return render_template("forums/new.html", form=form, preview=preview), (
        422 if form.errors else 200)


@bp.route("/t/<int:topic_id>")
@bp.route("/t/<int:topic_id>-<slug>")
def topic(topic_id: int, slug: str | None = None):
    """A topic's page of posts; members' reading position moves forward."""
    topic = _topic_for_reader(topic_id)
    if topic.merged_into_id:
        return redirect(url_for("forums.topic", topic_id=topic.merged_into_id), 301)
    page = min(query_int("page", 1), queries.page_count(topic))
    if slug != topic.slug:
        return redirect(topic_url(topic, page), 301)
    member = current_user.is_authenticated
    if member:  # before loading the page: a commit expires objects
        read_up_to = min(page * queries.POSTS_PER_PAGE, topic.max_number)

        def mark_read() -> None:
            if service.mark_read(current_user, topic, read_up_to):
                db.session.commit()  # nothing to commit on a page read before

        # Reading never waits for writers: if the position loses a race, the next visit moves it.
        database.best_effort(mark_read, db.session.rollback)
    posts = queries.topic_posts(topic, page)
    moderator = access.is_moderator(current_user)
    answer = _accepted_answer(topic, posts)
    return render_template(
        "forums/topic.html", topic=topic, posts=posts, page=page,
        pages=queries.page_count(topic), moderator=moderator, answer=answer,
        answer_here=answer is not None and any(p.id == answer.id for p in posts),
        # Forms and per-post actions are members' only: a visitor's page sets no cookie.
        reply_form=ReplyForm() if member else None, action_form=_member_form(),
        helpful=queries.helpful_marked_by(current_user, posts),
        watching=service.watch_level(current_user, topic=topic),
        may_accept=qa.may_accept(current_user, topic),
        actions=_post_actions(posts, moderator) if member else {},
        links=_post_links(topic, member),
        **_hidden_reasons(topic, posts, moderator))


def _post_actions(posts: list[queries.PostRow], moderator: bool) -> dict[int, frozenset[str]]:
    """What the member may do to each post (``service.allowed_actions``). Only moderators and
    a post's author have any: the others' posts are not asked about. The answer depends on
    the reader, the topic and whether the post is deleted and is theirs: asked once for each."""
    me, known = current_user.id, {}
    actions = {}
    for post in posts:
        if moderator or post.author_id == me:
            key = (post.deleted_at is None, post.author_id == me)
            if key not in known:
                known[key] = service.allowed_actions(current_user, post)
            actions[post.id] = known[key]
    return actions


def _post_links(topic: Topic, member: bool) -> dict[str, str]:
    """Patterns of the links each post of the page has (``pages.link_pattern``), built once;
    the actions' ones for members only."""
    post = dict(post_id=int)
    links = {"post": link_pattern("forums.post", **post),
             "history": link_pattern("forums.history", **post)}
    if member:
        links.update(
            helpful=link_pattern("forums.helpful", **post),
            quote=link_pattern("forums.reply", topic_id=topic.id, quote=int),
            accept=link_pattern("forums.accept", **post),
            promote=link_pattern("forums.promote", **post),
            edit=link_pattern("forums.edit", **post),
            delete=link_pattern("forums.delete", **post),
            restore=link_pattern("forums.restore", **post),
            flag=link_pattern("forums.flag", **post),
            hide=link_pattern("forums.moderate_post", action="hide", **post),
            unhide=link_pattern("forums.moderate_post", action="unhide", **post))
    return links


def _topic_for_reader(topic_id: int) -> Topic:
    """``topic_or_404``, except that the author of a topic a moderator hid may still open it
    (to read why it was hidden). The topic and its category come in one query."""
    found = topic_with_category(topic_id)
    if (found.hidden and found.deleted_at is None and current_user.is_authenticated
            and found.author_id == current_user.id and access.can_see(current_user,
                                                                      found.category)):
        return found
    return topic_or_404(topic_id)


def _accepted_answer(topic: Topic, posts: list[queries.PostRow]) -> queries.PostRow | None:
    """The accepted answer of a solved question, with its author line, if visible: from the
    page when it is on it, else read (two small queries)."""
    if not topic.accepted_post_id:
        return None
    answer = next((p for p in posts if p.id == topic.accepted_post_id), None)
    if answer is None:
        answer = queries.post_row(topic, topic.accepted_post_id)
    return answer if answer is not None and answer.is_visible else None


def _hidden_reasons(topic: Topic, posts: list[queries.PostRow], moderator: bool) -> dict:
    """Why the moderators hid the topic or posts, for their authors and the moderators only
    (``topic_reason``, and ``post_reasons`` by post id): others see that they are hidden."""
    reader = current_user.id if current_user.is_authenticated else None
    mine = [p.id for p in posts if p.hidden and p.deleted_at is None
            and (moderator or (reader and p.author_id == reader))]
    topic_reason = None
    if topic.hidden and (moderator or (reader and topic.author_id == reader)):
        topic_reason = hidden.hide_reason("topic", topic.id)
    return {"topic_reason": topic_reason, "post_reasons": hidden.hide_reasons("post", mine)}


@bp.route("/p/<int:post_id>")
def post(post_id: int):
    """A post's permalink: its topic page, at the post."""
    post = post_or_404(post_id)
    return redirect(topic_url(post.topic, queries.page_of(post.number), f"p{post.number}"))


def _quote(post: Post) -> str:
    """The quoted post as Markdown: a blockquote opening with "@handle wrote:" linking to the
    post, which ``text.quotes`` marks so it shows as a quote with its author."""
    author = post.author
    who = f"@{author.handle}" if author and not author.is_deleted else _("deleted member")
    cite = f"> {who} [{_('wrote:')}]({url_for('forums.post', post_id=post.id)})"
    lines = "\n".join(f"> {line}".rstrip() for line in post.body_md.splitlines())
    return f"{cite}\n>\n{lines}\n\n"


@bp.route("/t/<int:topic_id>/reply", methods=["GET", "POST"])
@verified_required
def reply(topic_id: int):
    """Reply to a topic (quoting a post with ?quote=<post id>), with a preview."""
    topic = topic_or_404(topic_id)
    form, preview = ReplyForm(), None
    quoted = query_int("quote")
    if request.method == "GET" and quoted:
        source = db.session.get(Post, quoted)
        if source and source.topic_id == topic.id and source.is_visible:
            form.body.data = _quote(source)
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            try:
                post = service.reply(current_user, topic, form.body.data)
            except Refused as refusal:
                refuse(refusal)
            else:
                db.session.commit()
                return redirect(url_for("forums.post", post_id=post.id))
    return render_template("forums/reply.html", topic=topic, form=form, preview=preview), (
        422 if form.errors else 200)


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@verified_required
def edit(post_id: int):
    """Edit one's post (or any, for moderators); the previous version is kept."""
    post = post_or_404(post_id)
    service.require(current_user, post, service.EDIT)  # a refusal answers with its message
    form = EditForm(obj=None, title=post.topic.title, body=post.body_md)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            try:
                service.edit_post(current_user, post, form.body.data, form.title.data)
            except Refused as refusal:
                refuse(refusal)
            else:
                db.session.commit()
                return redirect(url_for("forums.post", post_id=post.id))
    return render_template("forums/edit.html", post=post, form=form, preview=preview), (
        422 if form.errors else 200)


@bp.route("/p/<int:post_id>/history")
def history(post_id: int):
    """Every previous version of a post: who replaced it, and when."""
    post = post_or_404(post_id)
    if not post.is_visible and not access.is_moderator(current_user):
        abort(404)
    return render_template("forums/history.html", post=post,
                           revisions=service.revisions(post))


@bp.route("/p/<int:post_id>/delete", methods=["POST"])
@verified_required
def delete(post_id: int):
    """Soft-delete a post (its author or a moderator: a refusal answers with its message)."""
    post = post_or_404(post_id)
    service.delete_post(current_user, post)
    db.session.commit()
    flash(_("The post is deleted."), "info")
    if post.number == 1:
        return redirect(url_for("forums.category", slug=post.topic.category.slug))
    return redirect(url_for("forums.post", post_id=post.id))


@bp.route("/p/<int:post_id>/restore", methods=["POST"])
@verified_required
def restore(post_id: int):
    """Undo a soft delete (moderators: a refusal answers with its message)."""
    post = post_or_404(post_id)
    service.restore_post(current_user, post)
    db.session.commit()
    return redirect(url_for("forums.post", post_id=post.id))


@bp.route("/p/<int:post_id>/helpful", methods=["POST"])
@verified_required
def helpful(post_id: int):
    """Mark a reply as helpful, or take the mark back."""
    post = post_or_404(post_id)
    carry_out(lambda: service.toggle_helpful(current_user, post))
    return redirect(url_for("forums.post", post_id=post.id))


@bp.route("/p/<int:post_id>/accept", methods=["POST"])
@verified_required
def accept(post_id: int):
    """The question's author (or staff) marks this reply as the accepted answer."""
    post = post_or_404(post_id)
    carry_out(lambda: qa.accept_answer(current_user, post), _("Marked as the accepted answer."))
    return redirect(url_for("forums.post", post_id=post.id))


@bp.route("/t/<int:topic_id>/unaccept", methods=["POST"])
@verified_required
def unaccept(topic_id: int):
    """Take back the accepted answer."""
    topic = topic_or_404(topic_id)
    carry_out(lambda: qa.unaccept_answer(current_user, topic))
    return redirect(topic_url(topic))


def _watch_level() -> WatchLevel | None:
    level = request.form.get("level", "watching")
    return None if level == "none" else WatchLevel(level) if level in (
        "watching", "muted") else abort(400)


@bp.route("/t/<int:topic_id>/watch", methods=["POST"])
@verified_required
def watch_topic(topic_id: int):
    """Watch, mute or forget a topic."""
    topic = topic_or_404(topic_id)
    service.watch(current_user, topic=topic, level=_watch_level())
    db.session.commit()
    return redirect(topic_url(topic))


@bp.route("/c/<slug>/watch", methods=["POST"])
@verified_required
def watch_category(slug: str):
    """Watch (every new topic and reply) or forget a category."""
    category = category_or_404(slug)
    service.watch(current_user, category=category, level=_watch_level())
    db.session.commit()
    return redirect(url_for("forums.category", slug=category.slug))


@bp.route("/p/<int:post_id>/flag", methods=["GET", "POST"])
@verified_required
def flag(post_id: int):
    """Flag a post for the moderators' queue."""
    post = post_or_404(post_id)
    form = FlagForm()
    if post.author_id == current_user.id:
        abort(403)
    if form.validate_on_submit():
        carry_out(lambda: moderation.open_flag(current_user, "post", post.id,
                                               form.reason.data, form.note.data or ""),
                  _("Thank you: the moderators will look at this post."), refused="info")
        return redirect(url_for("forums.post", post_id=post.id))
    return render_template("forums/flag.html", post=post, form=form), (
        422 if form.errors else 200)


@bp.route("/faq")
def faq():
    """The FAQ: promoted answers, by category, linked back to their discussions."""
    staff = current_user.is_authenticated and current_user.is_staff
    return render_template("forums/faq.html", entries=qa.faq_entries(current_user), staff=staff,
                           topic_link=link_pattern("forums.topic", topic_id=int),
                           edit_link=link_pattern("forums.edit_faq", entry_id=int) if staff
                           else None)


@bp.route("/feeds/forums.atom")
def feed():
    """Atom feed of the latest topics in open categories (a feed reader is anonymous)."""
    categories = queries.categories(access.visible_condition(None))
    slug = request.args.get("category")
    if slug:
        categories = [c for c in categories if c.slug == slug] or abort(404)
    page = queries.topic_list(categories, None, pinned_apart=False, per_page=30)
    xml = render_template("forums/feed.atom.xml", topics=page.topics)
    return Response(xml, mimetype="application/atom+xml")



def profile_section(user, reader):
    """The forums' part of a profile: posts and helpfulness, counted where the reader sees."""
    return queries.member_stats(user, access.visible_category_ids(reader))
