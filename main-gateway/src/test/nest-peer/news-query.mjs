// push-service's news query semantics, for a Nest node that serves the same items as the Java nodes.
// A gateway pages across nodes with one cursor, so every node of the service must read the data of
// `fetchLatestNews` the same way and refuse the same bad data with the same words
// (push-service: NewsQuery.fromPayload, NewsSnapshot.latest, NewsItem.NEWEST_FIRST).

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
const MAX_ECHOED_CHARS = 60;
const LONG_LIMIT = 2 ** 63;

/** The data of a news request is not one this service can answer; the message names the field. */
export class InvalidNewsQuery extends Error {}

/**
 * Reads the data of `fetchLatestNews`: nothing/null (the first page before `now`), a number or a
 * string of digits (`latestTime`), or an object `{latestTime, beforeId, limit}` with every field
 * optional and other fields ignored.
 */
export function parseNewsQuery(data, now) {
  if (data === null || data === undefined) {
    return { latestTime: now, beforeId: null, limit: DEFAULT_LIMIT };
  }
  if (typeof data === 'number' || typeof data === 'string') {
    return { latestTime: latestTimeOf(data, now), beforeId: null, limit: DEFAULT_LIMIT };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidNewsQuery(
      `data must be a number (latestTime) or an object {latestTime, beforeId, limit}, got ${echo(data)}`,
    );
  }
  return {
    latestTime: latestTimeOf(data.latestTime, now),
    beforeId: beforeIdOf(data.beforeId),
    limit: limitOf(data.limit),
  };
}

function latestTimeOf(value, now) {
  if (value === null || value === undefined) {
    return now;
  }
  const time = nonNegativeInteger(value);
  if (time === null) {
    throw new InvalidNewsQuery(`latestTime must be a non-negative integer (epoch milliseconds), got ${echo(value)}`);
  }
  return time;
}

function beforeIdOf(value) {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value !== 'string') {
    throw new InvalidNewsQuery(
      `beforeId must be a string (the id of the last item already received), got ${echo(value)}`,
    );
  }
  return value;
}

function limitOf(value) {
  if (value === null || value === undefined) {
    return DEFAULT_LIMIT;
  }
  const limit = nonNegativeInteger(value);
  if (limit === null || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidNewsQuery(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${echo(value)}`);
  }
  return limit;
}

/** An integral number or a string of digits that fits a Java long and is not negative, else null. */
function nonNegativeInteger(value) {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value < LONG_LIMIT ? value : null;
  }
  if (typeof value === 'string' && /^[0-9]+$/.test(value)) {
    return BigInt(value) < BigInt(LONG_LIMIT) ? Number(value) : null;
  }
  return null;
}

/** The offending value as JSON, shortened so that a huge payload does not end up in an answer. */
function echo(value) {
  let json = JSON.stringify(value);
  if (value !== null && typeof value === 'object') {
    json = (Array.isArray(value) ? 'an array ' : 'an object ') + json;
  }
  return json.length <= MAX_ECHOED_CHARS ? json : `${json.slice(0, MAX_ECHOED_CHARS)}...`;
}

/** Newest first; among items of the same millisecond the greater id first (ids are hex, so `<` is Java's order). */
function newestFirst(a, b) {
  if (a.publishedAt !== b.publishedAt) {
    return b.publishedAt - a.publishedAt;
  }
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** A set of news items, sorted newest first with unique ids (the first of a repeated id wins). */
export class NewsPages {
  constructor(items) {
    const seen = new Set();
    this.items = items.filter((item) => !seen.has(item.id) && seen.add(item.id)).sort(newestFirst);
  }

  /** Items strictly older than the cursor (latestTime, beforeId), newest first, at most `limit`. */
  page({ latestTime, beforeId, limit }) {
    const isOlder = (item) =>
      item.publishedAt !== latestTime ? item.publishedAt < latestTime : beforeId !== null && item.id < beforeId;
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (isOlder(this.items[mid])) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return this.items.slice(low, low + limit);
  }
}
