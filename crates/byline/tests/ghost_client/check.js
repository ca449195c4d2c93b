// Drives Ghost's own JavaScript client (@tryghost/content-api) against a running Byline.
// Usage: node check.js <client package dir> <site url> <content key> <version>
// Prints one line per check; exits 1 with the reason on the first failure.
'use strict';

const [pkg, url, key, version] = process.argv.slice(2);
const mod = require(pkg);
const GhostContentAPI = mod.default || mod;
const api = new GhostContentAPI({url, key, version});

function ok(cond, what, detail) {
    if (!cond) {
        throw new Error(`${what}${detail === undefined ? '' : ': ' + JSON.stringify(detail)}`);
    }
    console.log(`ok ${what}`);
}

async function main() {
    const posts = await api.posts.browse({limit: 5, include: 'tags,authors'});
    ok(posts.length === 5, 'posts.browse limit 5', posts.length);
    ok(posts.meta.pagination.limit === 5 && posts.meta.pagination.page === 1, 'pagination meta', posts.meta);
    ok(posts.meta.pagination.total > 5 && posts.meta.pagination.next === 2, 'more pages', posts.meta);
    const first = posts.find(p => p.tags.length > 0);
    ok(first && first.primary_author && first.primary_author.slug, 'includes: authors and tags', first);
    ok(/^[0-9a-f]{24}$/.test(first.id), 'ObjectId ids', first.id);
    ok(typeof first.html === 'string' && first.html.length > 0, 'html', first.slug);

    const page2 = await api.posts.browse({limit: 5, page: 2});
    ok(page2.length === 5 && page2[0].id !== posts[0].id, 'page 2 differs', page2.map(p => p.slug));

    const tag = first.tags[0].slug;
    const tagged = await api.posts.browse({filter: `tag:${tag}`, include: 'tags', limit: 'all'});
    ok(tagged.length > 0 && tagged.every(p => p.tags.some(t => t.slug === tag)), `filter tag:${tag}`);
    const untagged = await api.posts.browse({filter: `tag:-${tag}`, include: 'tags', limit: 'all'});
    ok(untagged.every(p => !p.tags.some(t => t.slug === tag)), `filter tag:-${tag}`);
    const author = first.primary_author.slug;
    const both = await api.posts.browse({filter: `author:${author}+tag:${tag}`, limit: 'all'});
    ok(both.length >= 1 && both.length <= tagged.length, 'filter author+tag', both.length);
    const recent = await api.posts.browse({filter: "published_at:>'2000-01-01'", limit: 'all', fields: 'title,slug'});
    ok(recent.length > 0 && Object.keys(recent[0]).sort().join() === 'slug,title', 'fields + date filter', recent[0]);

    const bySlug = await api.posts.read({slug: first.slug}, {include: 'authors'});
    ok(bySlug.id === first.id && bySlug.authors.length > 0, 'posts.read by slug');
    const byId = await api.posts.read({id: first.id});
    ok(byId.slug === first.slug, 'posts.read by id');
    const plain = await api.posts.read({slug: first.slug}, {formats: 'plaintext'});
    ok(typeof plain.plaintext === 'string' && plain.plaintext.length > 0, 'formats plaintext');

    const pages = await api.pages.browse();
    ok(pages.length > 0, 'pages.browse', pages.length);
    const page = await api.pages.read({slug: pages[0].slug});
    ok(page.title === pages[0].title, 'pages.read by slug');

    const authors = await api.authors.browse({include: 'count.posts', limit: 'all'});
    ok(authors.length > 0 && authors.every(a => typeof a.count.posts === 'number'), 'authors.browse count.posts');
    const one = await api.authors.read({slug: author});
    ok(one.slug === author, 'authors.read by slug');

    const tags = await api.tags.browse({limit: 'all', include: 'count.posts'});
    ok(tags.some(t => t.slug === tag), 'tags.browse');
    const t = await api.tags.read({slug: tag});
    ok(t.slug === tag && t.url.startsWith(url), 'tags.read by slug', t.url);

    const settings = await api.settings.browse();
    ok(typeof settings.title === 'string' && settings.title.length > 0, 'settings.browse', settings.title);

    if (api.tiers) {
        const tiers = await api.tiers.browse();
        ok(tiers.length >= 2, 'tiers.browse', tiers.length);
    }

    let refused = null;
    try {
        await api.posts.browse({filter: 'tag:(oops'});
    } catch (e) {
        refused = e;
    }
    ok(refused !== null, 'a broken filter is refused');
    ok(/filter/i.test(refused.message) || (refused.response && refused.response.status === 400), 'with Ghost\'s error', refused.message);

    let missing = null;
    try {
        await api.posts.read({slug: 'no-such-post-anywhere'});
    } catch (e) {
        missing = e;
    }
    ok(missing !== null, 'an unknown slug is refused');

    const bad = new GhostContentAPI({url, key: '0123456789abcdef0123456789', version});
    let denied = null;
    try {
        await bad.posts.browse();
    } catch (e) {
        denied = e;
    }
    ok(denied !== null, 'an unknown key is refused');
    console.log('all checks passed');
}

main().catch(e => {
    console.error(`FAILED: ${e.message}`);
    process.exit(1);
});
