import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openPage, startAll, startIn, waitFor } from './harness.mjs';

let browser;
let pages;
let service;
before(async () => {
  [browser, pages, service] = await startAll();
});
after(async () => {
  await browser?.close();
  pages?.close();
  service?.close();
});

/** Start, run `act`, stop, and return the stored events of that session. */
async function record(act, options) {
  const { page, errors } = await openPage(browser, pages);
  await startIn(page, service, options);
  const id = await page.evaluate(() => window.h.sessionId);
  assert.ok(id, 'session created');
  await act(page);
  await page.evaluate(() => window.h.stop());
  assert.deepEqual(errors, []);
  assert.deepEqual(service.rejected(), [], 'the contract accepted every batch');
  await page.close();
  return service.events(id);
}

const ofType = (events, type) => events.filter((e) => e.type === type);

describe('behaviour events', () => {
  it('records a real click with its offset from the target centre and the target size', async () => {
    const events = await record(async (page) => {
      await page.mouse.move(10, 10);
      await page.mouse.move(150, 118, { steps: 8 });
      await page.mouse.down();
      await page.mouse.up();
    });
    const [click] = ofType(events, 'click');
    // #btn is 120x40 at (100,100): its centre is (160,120).
    assert.deepEqual(
      { x: click.x, y: click.y, dx: click.dx, dy: click.dy, w: click.w, h: click.h },
      { x: 150, y: 118, dx: -10, dy: -2, w: 120, h: 40 },
    );
    assert.equal(click.trusted, true);
    assert.equal(click.button, 0);
    assert.equal(ofType(events, 'mousedown').length, 1);
    assert.equal(ofType(events, 'mouseup').length, 1);
    const moves = ofType(events, 'mousemove');
    assert.ok(moves.length >= 2 && moves.length <= 9, `${moves.length} moves`);
    assert.deepEqual([moves.at(-1).x, moves.at(-1).y], [150, 118]);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].t >= events[i - 1].t - 1000);
  });

  it('coalesces mouse moves to at most one per animation frame', async () => {
    const events = await record(async (page) => {
      await page.evaluate(
        () =>
          new Promise((done) => {
            for (let i = 0; i < 200; i++) {
              document.dispatchEvent(new MouseEvent('mousemove', { clientX: i, clientY: i }));
            }
            requestAnimationFrame(() => requestAnimationFrame(done));
          }),
      );
    });
    const moves = ofType(events, 'mousemove');
    assert.equal(moves.length, 1, 'one task of 200 moves is one frame');
    assert.equal(moves[0].x, 199);
    assert.equal(moves[0].trusted, false, 'dispatched by script');
  });

  it('sends key classes and hand positions, never the characters typed', async () => {
    let bodies = '';
    const events = await record(async (page) => {
      await page.click('#name');
      await page.keyboard.type('Zebra 42', { delay: 5 });
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Enter');
    });
    bodies = JSON.stringify(service.state.requests.map((r) => r.body));
    const downs = ofType(events, 'keydown');
    assert.deepEqual(
      downs.map((e) => e.key),
      // Playwright types a capital Z without pressing Shift: no modifier comes first.
      [
        'letter',
        'letter',
        'letter',
        'letter',
        'letter',
        'space',
        'digit',
        'digit',
        'backspace',
        'enter',
      ],
    );
    // Z e b r a, 4 and 2 are all typed by the left hand (0); then Space, Backspace, Enter.
    assert.deepEqual(
      downs.map((e) => e.pos),
      [0, 0, 0, 0, 0, 4, 0, 0, 6, 5],
    );
    assert.equal(ofType(events, 'keyup').length, downs.length);
    for (const word of ['Zebra', 'zebra', '"Z"', '"e"', '"42"', 'KeyZ', 'Digit4']) {
      assert.ok(!bodies.includes(word), `${word} never leaves the browser`);
    }
    const inputs = ofType(events, 'input');
    assert.equal(inputs.length, 9, 'eight characters and one deletion');
    assert.ok(inputs.slice(0, 8).every((e) => e.input_type === 'insertText' && e.delta === 1));
    assert.deepEqual(
      { type: inputs[8].input_type, delta: inputs[8].delta, field: inputs[8].field },
      { type: 'deleteContentBackward', delta: -1, field: 'name' },
    );
    assert.ok(ofType(events, 'focus').some((e) => e.target === 'name'));
  });

  it('records paste and copy lengths only', async () => {
    const events = await record(async (page) => {
      await page.focus('#answer');
      await page.evaluate(() => {
        const field = document.getElementById('answer');
        const data = new DataTransfer();
        data.setData('text/plain', 'secret pasted answer');
        field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
        field.value = 'abcdef';
        field.setSelectionRange(1, 4);
        field.dispatchEvent(new ClipboardEvent('copy', { bubbles: true }));
      });
    });
    const [paste] = ofType(events, 'paste');
    const [copy] = ofType(events, 'copy');
    assert.deepEqual([paste.length, paste.field, paste.trusted], [20, 'answer', false]);
    assert.deepEqual([copy.length, copy.field], [3, 'answer']);
    assert.ok(!JSON.stringify(service.state.requests.map((r) => r.body)).includes('secret'));
  });

  it('records wheel, scroll, resize and visibility', async () => {
    const events = await record(async (page) => {
      await page.mouse.move(300, 300);
      await page.mouse.wheel(0, 400);
      await waitFor(() => page.evaluate(() => window.scrollY > 0), { what: 'scroll' });
      // The collector records a resize once per frame: wait for the event, then a frame more.
      await page.evaluate(() => {
        window.resized = new Promise((done) =>
          addEventListener(
            'resize',
            () => requestAnimationFrame(() => requestAnimationFrame(done)),
            {
              once: true,
            },
          ),
        );
      });
      await page.setViewportSize({ width: 900, height: 600 });
      await page.evaluate(() => window.resized);
    });
    const [wheel] = ofType(events, 'wheel');
    assert.equal(wheel.dy, 400);
    assert.equal(ofType(events, 'scroll').at(-1).y, 400);
    assert.deepEqual(
      ofType(events, 'resize')
        .map((e) => [e.w, e.h])
        .at(-1),
      [900, 600],
    );
  });

  it('records touches', async () => {
    const events = await record(async (page) => {
      await page.evaluate(() => {
        const touch = (id, x, y) =>
          new Touch({ identifier: id, target: document.body, pageX: x, pageY: y, force: 0.5 });
        const fire = (type, t) =>
          document.body.dispatchEvent(
            new TouchEvent(type, { changedTouches: [t], touches: [t], bubbles: true }),
          );
        fire('touchstart', touch(3, 10, 20));
        fire('touchend', touch(3, 12, 25));
      });
    });
    assert.deepEqual(
      ofType(events, 'touchstart').map((e) => [e.x, e.y, e.id, e.force]),
      [[10, 20, 3, 0.5]],
    );
    assert.equal(ofType(events, 'touchend').length, 1);
  });

  it('turns mark() calls into page events', async () => {
    const events = await record(async (page) => {
      await page.evaluate(() => {
        window.h.mark('Q1');
        window.h.mark('Q1', 'submitted');
      });
    });
    assert.deepEqual(
      ofType(events, 'page').map((e) => [e.mark, e.phase]),
      [
        ['Q1', 'shown'],
        ['Q1', 'submitted'],
      ],
    );
  });

  it('times events from start with performance.now()', async () => {
    const { page } = await openPage(browser, pages);
    await page.evaluate(() => new Promise((done) => setTimeout(done, 300)));
    await page.evaluate(() => {
      window.beforeStart = performance.now();
    });
    await startIn(page, service);
    const id = await page.evaluate(() => window.h.sessionId);
    await page.evaluate(() => new Promise((done) => setTimeout(done, 200)));
    // Measured in the page, not against a wall-clock bound a busy machine could miss: counted
    // from page load, t would exceed the time since just before start() by 300 ms or more.
    const sinceStart = await page.evaluate(() => {
      window.h.mark('late');
      return performance.now() - window.beforeStart;
    });
    await page.evaluate(() => window.h.stop());
    const [mark] = ofType(service.events(id), 'page');
    assert.ok(mark.t >= 200, `t=${mark.t} includes the 200 ms waited after start`);
    assert.ok(mark.t <= sinceStart + 1, `t=${mark.t} counts from start (${sinceStart} ms ago)`);
    await page.close();
  });
});
