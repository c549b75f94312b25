// One frame of a classic-control env on a canvas, with the geometry, proportions and colours of Gymnasium's own
// render_mode="rgb_array" (gymnasium/envs/classic_control/*.py, render()). Gymnasium draws in pixels with y
// pointing up and flips the picture at the end; here the canvas transform does the flip, so every function
// below draws in Gymnasium's pixel coordinates.

const SIZES = {
  'CartPole-v0': { width: 600, height: 400 },
  'CartPole-v1': { width: 600, height: 400 },
  'MountainCar-v0': { width: 600, height: 400 },
  'MountainCarContinuous-v0': { width: 600, height: 400 },
  'Acrobot-v1': { width: 500, height: 500 },
  'Pendulum-v1': { width: 500, height: 500 },
};

export function canRender(envId) {
  return Object.hasOwn(SIZES, envId);
}

export function preferredSize(envId) {
  return SIZES[envId] ?? { width: 500, height: 300 };
}

export function drawFrame(canvas, envId, observation, action) {
  const ctx = canvas.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (!canRender(envId)) {
    ctx.fillStyle = '#6b7385';
    ctx.font = '14px sans-serif';
    ctx.fillText(`no renderer for ${envId}`, 10, 24);
    return;
  }
  // Gymnasium's screen, scaled to fit the canvas (letterboxed), y up.
  const { width, height } = SIZES[envId];
  const s = Math.min(canvas.width / width, canvas.height / height);
  const ox = (canvas.width - width * s) / 2;
  const oy = (canvas.height - height * s) / 2;
  ctx.setTransform(s, 0, 0, -s, ox, oy + height * s);
  const draw = { 'CartPole-v0': cartPole, 'CartPole-v1': cartPole, 'Acrobot-v1': acrobot, 'MountainCar-v0': mountainCar,
    'MountainCarContinuous-v0': mountainCar, 'Pendulum-v1': pendulum }[envId];
  draw(ctx, envId, observation, action);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

// ---------- drawing helpers (Gymnasium's pixel coordinates, y up) ----------
const rgb = (r, g, b) => `rgb(${r},${g},${b})`;

function rotate([x, y], angle) {
  const c = Math.cos(angle), sn = Math.sin(angle);
  return [x * c - y * sn, x * sn + y * c];
}

function polygon(ctx, points, colour) {
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.closePath();
  ctx.fillStyle = colour;
  ctx.fill();
}

function circle(ctx, x, y, r, colour) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fillStyle = colour;
  ctx.fill();
}

function line(ctx, points, colour, width = 1) {
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.stroke();
}

// A box [l, r] x [b, t] rotated by `angle` about the origin, then moved to (x, y).
function box(l, r, t, b, angle, x, y) {
  return [[l, b], [l, t], [r, t], [r, b]].map(p => rotate(p, angle)).map(([px, py]) => [px + x, py + y]);
}

// ---------- the envs ----------

// Cart 50x30 on a track at y = 100; pole 10 wide, 2 * length (1.0 m) long at 125 px/m; theta > 0 leans right.
function cartPole(ctx, envId, [x, , theta]) {
  const scale = 600 / (2.4 * 2);
  const poleWidth = 10, poleLength = scale * 1.0, cartWidth = 50, cartHeight = 30;
  const cartX = x * scale + 600 / 2, cartY = 100;
  polygon(ctx, box(-cartWidth / 2, cartWidth / 2, cartHeight / 2, -cartHeight / 2, 0, cartX, cartY), rgb(0, 0, 0));
  const axleOffset = cartHeight / 4;
  polygon(ctx, box(-poleWidth / 2, poleWidth / 2, poleLength - poleWidth / 2, -poleWidth / 2, -theta, cartX, cartY + axleOffset),
    rgb(202, 152, 101));
  circle(ctx, cartX, cartY + axleOffset, poleWidth / 2, rgb(129, 132, 203));
  line(ctx, [[0, cartY], [600, cartY]], rgb(0, 0, 0));
}

// Two 1 m links from the centre; at theta1 = theta2 = 0 both hang down; the line marks the goal height (1 m).
function acrobot(ctx, envId, [cos1, sin1, cos2, sin2]) {
  const t1 = Math.atan2(sin1, cos1), t2 = Math.atan2(sin2, cos2);
  const bound = 1 + 1 + 0.2, scale = 500 / (bound * 2), offset = 250;
  const p1 = [scale * Math.sin(t1), -scale * Math.cos(t1)];
  line(ctx, [[-bound * scale + offset, scale + offset], [bound * scale + offset, scale + offset]], rgb(0, 0, 0));
  const joints = [[0, 0], p1];
  const angles = [t1 - Math.PI / 2, t1 + t2 - Math.PI / 2];
  joints.forEach(([jx, jy], i) => {
    polygon(ctx, box(0, scale, 0.1 * scale, -0.1 * scale, angles[i], jx + offset, jy + offset), rgb(0, 204, 204));
    circle(ctx, jx + offset, jy + offset, 0.1 * scale, rgb(204, 204, 0));
  });
}

// The hill y = sin(3x) * .45 + .55 over [-1.2, 0.6]; the car tilts with the slope; the flag marks the goal.
function mountainCar(ctx, envId, [position]) {
  const min = -1.2, max = 0.6, scale = 600 / (max - min);
  const goal = envId === 'MountainCarContinuous-v0' ? 0.45 : 0.5;
  const height = xs => Math.sin(3 * xs) * 0.45 + 0.55;
  const track = [];
  for (let i = 0; i < 100; i++) {
    const xs = min + (max - min) * i / 99;
    track.push([(xs - min) * scale, height(xs) * scale]);
  }
  line(ctx, track, rgb(0, 0, 0));
  const clearance = 10, carWidth = 40, carHeight = 20;
  const angle = Math.cos(3 * position);
  const cx = (position - min) * scale, cy = clearance + height(position) * scale;
  polygon(ctx, box(-carWidth / 2, carWidth / 2, carHeight, 0, angle, cx, cy), rgb(0, 0, 0));
  for (const wheel of [[carWidth / 4, 0], [-carWidth / 4, 0]]) {
    const [wx, wy] = rotate(wheel, angle);
    circle(ctx, wx + cx, wy + cy, carHeight / 2.5, rgb(128, 128, 128));
  }
  const flagX = (goal - min) * scale, flagY1 = height(goal) * scale, flagY2 = flagY1 + 50;
  line(ctx, [[flagX, flagY1], [flagX, flagY2]], rgb(0, 0, 0));
  polygon(ctx, [[flagX, flagY2], [flagX, flagY2 - 10], [flagX + 25, flagY2 - 5]], rgb(204, 204, 0));
}

// A 1 m rod from the centre, upright at theta = 0; the arc shows the torque of the action (counter-clockwise > 0).
function pendulum(ctx, envId, [cos, sin], action) {
  const theta = Math.atan2(sin, cos);
  const bound = 2.2, scale = 500 / (bound * 2), offset = 250;
  const rodLength = scale, rodWidth = 0.2 * scale;
  const red = rgb(204, 77, 77);
  polygon(ctx, box(0, rodLength, rodWidth / 2, -rodWidth / 2, theta + Math.PI / 2, offset, offset), red);
  circle(ctx, offset, offset, rodWidth / 2, red);
  const [ex, ey] = rotate([rodLength, 0], theta + Math.PI / 2);
  circle(ctx, ex + offset, ey + offset, rodWidth / 2, red);
  const u = Array.isArray(action) ? action[0] : action;
  if (typeof u === 'number' && u !== 0) {
    // Gymnasium scales its arrow image by |u| / 2 (the torque limit is 2): the arc's sweep does the same.
    const radius = 0.5 * scale, sweep = Math.min(Math.abs(u) / 2, 1) * 1.5 * Math.PI, start = Math.PI / 2;
    const end = u > 0 ? start + sweep : start - sweep;
    ctx.beginPath();
    ctx.arc(offset, offset, radius, start, end, u < 0);
    ctx.strokeStyle = rgb(0, 0, 0);
    ctx.lineWidth = 6;
    ctx.stroke();
    const tip = [offset + radius * Math.cos(end), offset + radius * Math.sin(end)];
    const along = u > 0 ? end + Math.PI / 2 : end - Math.PI / 2; // the arc's direction at its end
    const head = [0.12 * scale, 0];
    const a = rotate(head, along), b = rotate([-0.06 * scale, 0.08 * scale], along), c = rotate([-0.06 * scale, -0.08 * scale], along);
    polygon(ctx, [[tip[0] + a[0], tip[1] + a[1]], [tip[0] + b[0], tip[1] + b[1]], [tip[0] + c[0], tip[1] + c[1]]], rgb(0, 0, 0));
  }
  circle(ctx, offset, offset, 0.05 * scale, rgb(0, 0, 0));
}
