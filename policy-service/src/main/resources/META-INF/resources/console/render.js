// Draws one frame of a Gymnasium classic-control env on a <canvas>. It mirrors the geometry, proportions and
// colours of Gymnasium's own render_mode="rgb_array" (the render() methods in
// gymnasium/envs/classic_control/{cartpole,acrobot,mountain_car,continuous_mountain_car,pendulum}.py),
// re-implemented with canvas primitives; no libraries, no build step.
//
// Gymnasium draws in screen pixels with y pointing up and flips the picture vertically at the end. Here the
// canvas transform does that flip once (and scales to fit the canvas), so each env function below works in
// Gymnasium's own pixel coordinates: origin bottom-left, y up, screen 600x400 or 500x500.

const BLACK = 'rgb(0,0,0)';

// Screen sizes from Gymnasium (screen_width x screen_height, SCREEN_DIM, screen_dim); obs = observation length.
const ENVS = {
  'CartPole-v0': { width: 600, height: 400, draw: cartPole, obs: 4 },
  'CartPole-v1': { width: 600, height: 400, draw: cartPole, obs: 4 },
  'Acrobot-v1': { width: 500, height: 500, draw: acrobot, obs: 6 },
  'MountainCar-v0': { width: 600, height: 400, draw: (ctx, o) => mountainCar(ctx, o, 0.5), obs: 2 },
  'MountainCarContinuous-v0': { width: 600, height: 400, draw: (ctx, o) => mountainCar(ctx, o, 0.45), obs: 2 },
  'Pendulum-v1': { width: 500, height: 500, draw: pendulum, obs: 3 },
};

export function canRender(envId) {
  return Object.prototype.hasOwnProperty.call(ENVS, envId);
}

export function preferredSize(envId) {
  const env = ENVS[envId];
  return env ? { width: env.width, height: env.height } : { width: 500, height: 500 };
}

export function drawFrame(canvas, envId, observation, action) {
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const env = canRender(envId) ? ENVS[envId] : null;
  const obs = Array.from(observation ?? [], Number);
  if (!env || obs.length < env.obs) {
    ctx.fillStyle = '#666';
    ctx.font = '14px sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillText(env ? `no observation for ${envId}` : `no renderer for ${envId}`, 8, 8);
    return;
  }
  // Fit Gymnasium's screen into the canvas, keeping its aspect ratio (letterboxed, centred), and flip y.
  const k = Math.min(canvas.width / env.width, canvas.height / env.height);
  const left = (canvas.width - env.width * k) / 2;
  const top = (canvas.height - env.height * k) / 2;
  ctx.setTransform(k, 0, 0, -k, left, top + env.height * k);
  ctx.fillStyle = 'rgb(255,255,255)';
  ctx.fillRect(0, 0, env.width, env.height);
  env.draw(ctx, obs, action);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

// ---- small helpers, all in Gymnasium's y-up pixel space ----

// pygame's Vector2.rotate_rad: counter-clockwise by `a` radians (with y up).
function turn([x, y], a) {
  const c = Math.cos(a), s = Math.sin(a);
  return [x * c - y * s, x * s + y * c];
}

// The corners of the rectangle l..r x b..t, rotated by `a` about the origin and then moved to (dx, dy).
function rect(l, r, t, b, a, dx, dy) {
  return [[l, b], [l, t], [r, t], [r, b]].map(p => turn(p, a)).map(([x, y]) => [x + dx, y + dy]);
}

function fillPath(ctx, points, colour) {
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.closePath();
  ctx.fillStyle = colour;
  ctx.fill();
}

function strokePath(ctx, points, colour, width = 1) {
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}

function disc(ctx, x, y, radius, colour) {
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, 2 * Math.PI);
  ctx.fillStyle = colour;
  ctx.fill();
}

// ---- the envs ----

// CartPole: track x in [-2.4, 2.4] spans the 600 px width; the cart (50x30) is centred on the track line at
// y = 100; the pole (10 px wide, 2 * 0.5 m long) pivots a quarter cart-height above it. Positive theta leans
// the pole to the right, so it is rotated by -theta.
function cartPole(ctx, [x, , theta]) {
  const scale = 600 / (2 * 2.4);
  const poleWidth = 10, poleLen = scale * (2 * 0.5), cartW = 50, cartH = 30;
  const cartX = x * scale + 600 / 2, cartY = 100, axleY = cartY + cartH / 4;
  fillPath(ctx, rect(-cartW / 2, cartW / 2, cartH / 2, -cartH / 2, 0, cartX, cartY), BLACK);
  fillPath(ctx, rect(-poleWidth / 2, poleWidth / 2, poleLen - poleWidth / 2, -poleWidth / 2, -theta, cartX, axleY),
    'rgb(202,152,101)');
  disc(ctx, Math.trunc(cartX), Math.trunc(axleY), Math.trunc(poleWidth / 2), 'rgb(129,132,203)');
  strokePath(ctx, [[0, cartY], [600, cartY]], BLACK);
}

// Acrobot: two 1 m links from the centre pivot, 500 px for +-2.2 m. At theta1 = 0 the first link hangs
// straight down; theta2 is relative to the first link. The horizontal line marks the goal height (1 m up).
function acrobot(ctx, [c1, s1, c2, s2]) {
  const t1 = Math.atan2(s1, c1), t2 = Math.atan2(s2, c2);
  const scale = 500 / (2 * (1 + 1 + 0.2)), mid = 500 / 2;
  const joints = [[mid, mid], [mid + scale * Math.sin(t1), mid - scale * Math.cos(t1)]];
  const angles = [t1 - Math.PI / 2, t1 + t2 - Math.PI / 2];
  strokePath(ctx, [[-2.2 * scale + mid, scale + mid], [2.2 * scale + mid, scale + mid]], BLACK);
  joints.forEach(([jx, jy], i) => {
    fillPath(ctx, rect(0, scale, 0.1 * scale, -0.1 * scale, angles[i], jx, jy), 'rgb(0,204,204)');
    disc(ctx, Math.trunc(jx), Math.trunc(jy), Math.trunc(0.1 * scale), 'rgb(204,204,0)');
  });
}

// MountainCar (discrete and continuous): the hill y = sin(3x) * .45 + .55 over x in [-1.2, 0.6], 600 px wide;
// the car (40x20, 10 px clearance) is tilted by cos(3x) like Gymnasium does; the flag stands at the goal.
function mountainCar(ctx, [pos], goal) {
  const min = -1.2, max = 0.6, scale = 600 / (max - min);
  const hill = x => Math.sin(3 * x) * 0.45 + 0.55;
  const track = Array.from({ length: 100 }, (_, i) => min + (i * (max - min)) / 99)
    .map(x => [(x - min) * scale, hill(x) * scale]);
  strokePath(ctx, track, BLACK);
  const carW = 40, carH = 20, clearance = 10, tilt = Math.cos(3 * pos);
  const cx = (pos - min) * scale, cy = clearance + hill(pos) * scale;
  fillPath(ctx, rect(-carW / 2, carW / 2, carH, 0, tilt, cx, cy), BLACK);
  for (const wheel of [[carW / 4, 0], [-carW / 4, 0]]) {
    const [wx, wy] = turn(wheel, tilt);
    disc(ctx, Math.trunc(wx + cx), Math.trunc(wy + cy), Math.trunc(carH / 2.5), 'rgb(128,128,128)');
  }
  const flagX = Math.trunc((goal - min) * scale), flagY1 = Math.trunc(hill(goal) * scale), flagY2 = flagY1 + 50;
  strokePath(ctx, [[flagX, flagY1], [flagX, flagY2]], BLACK);
  fillPath(ctx, [[flagX, flagY2], [flagX, flagY2 - 10], [flagX + 25, flagY2 - 5]], 'rgb(204,204,0)');
}

// Pendulum: a 1 m rod (0.2 m wide, rounded ends) from the centre, 500 px for +-2.2 m; upright at theta = 0,
// positive theta turns it counter-clockwise. Gymnasium overlays its clockwise.png arrow, sized scale*|u|/2 and
// mirrored for u > 0; here the same three-quarter-circle arrow is drawn as a path: clockwise for u < 0,
// counter-clockwise for u > 0, nothing for u = 0 or no action.
function pendulum(ctx, [c, s], action) {
  const theta = Math.atan2(s, c);
  const scale = 500 / (2 * 2.2), mid = 250;
  const rodLen = scale, rodW = 0.2 * scale, red = 'rgb(204,77,77)';
  fillPath(ctx, rect(0, rodLen, rodW / 2, -rodW / 2, theta + Math.PI / 2, mid, mid), red);
  disc(ctx, mid, mid, Math.trunc(rodW / 2), red);
  const [ex, ey] = turn([rodLen, 0], theta + Math.PI / 2);
  disc(ctx, Math.trunc(ex + mid), Math.trunc(ey + mid), Math.trunc(rodW / 2), red);
  const u = Math.max(-2, Math.min(2, Number(Array.isArray(action) ? action[0] : action))); // env clips to +-2
  if (action != null && Number.isFinite(u) && u !== 0) torqueArrow(ctx, mid, (scale * Math.abs(u)) / 2, u > 0 ? -1 : 1);
  disc(ctx, mid, mid, Math.trunc(0.05 * scale), BLACK); // the axle, drawn over the arrow as in Gymnasium
}

// The arrow of clockwise.png inside a size x size box centred at (mid, mid): an arc of radius ~0.46*size from
// the top round the right, bottom and left, ending in a head pointing up. mirror = -1 flips it left-right.
function torqueArrow(ctx, mid, size, mirror) {
  const r = 0.46 * size, arc = [];
  for (let a = Math.PI / 2; a >= -Math.PI - 1e-9; a -= Math.PI / 48) {
    arc.push([mid + mirror * r * Math.cos(a), mid + r * Math.sin(a)]);
  }
  strokePath(ctx, arc, BLACK, 0.025 * size);
  const hx = mid - mirror * r, half = 0.15 * r;
  fillPath(ctx, [[hx - half, mid - 0.05 * r], [hx + half, mid - 0.05 * r], [hx, mid + 0.3 * r]], BLACK);
}
